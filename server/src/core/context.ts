import type Koa from 'koa';
import type { Role } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Clock } from './clock';

/** The logged-in caller, loaded from the database on every request (a disabled user is out at once). */
export interface Caller {
  id: string;
  _id: Types.ObjectId;
  role: Role;
  name: string;
  town: Types.ObjectId;
  townId: string;
  villageId?: string;
  gridIds: string[];
  /** A county account's own town while it looks into another town of its county (county/access.ts). */
  homeTown?: Types.ObjectId;
}

/** What every request handler can reach: configuration, clock, logger; the caller once authenticated. */
export interface AppState {
  reqId: string;
  log: Logger;
  caller?: Caller;
}

export interface AppServices {
  config: Config;
  clock: Clock;
  log: Logger;
}

export type AppContext = Koa.ParameterizedContext<AppState> & { services: AppServices };
