import type { Module } from '../core/module';

/** The tips capability: its routes and jobs plug in here. */
export const tipsModule: Module = {
  name: 'tips',
};
