import type { Module } from '../core/module';

/** The incidents capability: its routes and jobs plug in here. */
export const incidentsModule: Module = {
  name: 'incidents',
};
