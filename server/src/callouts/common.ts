/** What the call-out capability's files share: the lean call-out shape and the recipient ids. */
import { Types } from 'mongoose';
import type { Level, RecipientLean } from './callout.model';

export const RESPONSIBLE_ROLES = ['grid', 'cadre'] as ('grid' | 'cadre')[];

export interface CalloutLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  title: string;
  level: Level;
  body: string;
  event?: string;
  area: { villages: Types.ObjectId[]; grids: Types.ObjectId[] };
  exercise: boolean;
  status: 'preparing' | 'active' | 'closed';
  issuedAt: Date;
  expiresAt?: Date;
  ackMinutes: number;
  waitMinutes: number;
  step: number;
  nextStepAt?: Date | null;
  buckets: number;
  groups: Types.ObjectId[];
  summary: { total: number; acked: number };
  oneToOne: { total: number; contacted: number; transferred: number };
  stages: { atPost: number; transferDone: number; transferred: number };
  cap?: { sender?: string; identifier?: string; sent?: string };
}

export interface UserPick {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  name: string;
  role: string;
  village?: Types.ObjectId;
  grids?: Types.ObjectId[];
  superior?: Types.ObjectId;
  wecomUserId?: string;
  wechatyContactIds?: string[];
}

export const rid = (calloutId: unknown, userId: unknown) => `${String(calloutId)}:${String(userId)}`;
export const oid = (s: string) => new Types.ObjectId(s);

/** Who still owes an answer: the 收到 itself, or one-to-one contacts with vulnerable residents. */
export const needsAck = (r: RecipientLean) => !r.acked;
export const needsContacts = (r: RecipientLean) => r.contactsPending > 0;
export const owes = (r: RecipientLean) => needsAck(r) || needsContacts(r);
