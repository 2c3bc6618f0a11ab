export * from './channel';
export * from './outbox-worker';
