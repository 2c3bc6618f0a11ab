import type { Module } from '../core/module';

/** The chat capability: its routes and jobs plug in here. */
export const chatModule: Module = {
  name: 'chat',
};
