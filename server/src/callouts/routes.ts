import type { Module } from '../core/module';

/** The callouts capability: its routes and jobs plug in here. */
export const calloutsModule: Module = {
  name: 'callouts',
};
