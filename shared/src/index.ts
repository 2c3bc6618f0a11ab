export { z } from 'zod';
export * from './errors';
export * from './roles';
export * from './categories';
export * from './text';
export * from './schemas/common';
export * from './schemas/auth';
export * from './schemas/people';
export * from './client';
