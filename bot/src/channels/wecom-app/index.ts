export * from './protocol';
export * from './channel';
