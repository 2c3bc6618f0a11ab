import type { Module } from '../core/module';

/** The rewards capability: its routes and jobs plug in here. */
export const rewardsModule: Module = {
  name: 'rewards',
};
