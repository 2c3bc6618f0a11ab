import type { Module } from '../core/module';

/** The web capability: its routes and jobs plug in here. */
export const webModule: Module = {
  name: 'web',
};
