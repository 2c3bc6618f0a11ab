import type { Module } from '../core/module';

/** The wecom capability: its routes and jobs plug in here. */
export const wecomModule: Module = {
  name: 'wecom',
};
