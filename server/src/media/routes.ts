import type { Module } from '../core/module';

/** The media capability: its routes and jobs plug in here. */
export const mediaModule: Module = {
  name: 'media',
};
