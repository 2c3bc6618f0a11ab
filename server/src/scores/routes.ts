import type { Module } from '../core/module';

/** The scores capability: its routes and jobs plug in here. */
export const scoresModule: Module = {
  name: 'scores',
};
