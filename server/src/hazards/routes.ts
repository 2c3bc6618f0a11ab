import type { Module } from '../core/module';

/** The hazards capability: its routes and jobs plug in here. */
export const hazardsModule: Module = {
  name: 'hazards',
};
