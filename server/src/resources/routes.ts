import type { Module } from '../core/module';

/** The resources capability: its routes and jobs plug in here. */
export const resourcesModule: Module = {
  name: 'resources',
};
