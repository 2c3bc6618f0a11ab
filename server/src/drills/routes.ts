import type { Module } from '../core/module';

/** The drills capability: its routes and jobs plug in here. */
export const drillsModule: Module = {
  name: 'drills',
};
