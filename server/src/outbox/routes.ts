import type { Module } from '../core/module';

/** The outbox capability: its routes and jobs plug in here. */
export const outboxModule: Module = {
  name: 'outbox',
};
