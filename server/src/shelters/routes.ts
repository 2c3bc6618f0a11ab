import type { Module } from '../core/module';

/** The shelters capability: its routes and jobs plug in here. */
export const sheltersModule: Module = {
  name: 'shelters',
};
