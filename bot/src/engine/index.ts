export * from './types';
export * from './engine';
export * from './time';
export * from './sessions';
export { T as ENGINE_TEXTS } from './texts';
