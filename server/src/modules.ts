import type { Module } from './core/module';
import { authModule } from './auth/routes';
import { metaModule } from './meta/routes';
import { peopleModule } from './people/routes';

/** Every capability of the server, in the order their routes are mounted. Add a new one here. */
export const modules: Module[] = [authModule, peopleModule, metaModule];
