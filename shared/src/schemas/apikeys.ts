import { z } from 'zod';
import { ObjectIdString } from './common';

/** What an outside system's key may do: raise tips and alarms, read the lists, read the event feed, send CAP. */
export const API_KEY_SCOPES = ['intake', 'read', 'events', 'cap'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const ApiKeyScopeEnum = z.enum(API_KEY_SCOPES).meta({ id: 'ApiKeyScope' });

export const ApiKeyCreate = z
  .object({
    name: z.string().trim().min(1, '请填写名称').max(60),
    scopes: z.array(ApiKeyScopeEnum).min(1, '请至少选择一项权限').max(API_KEY_SCOPES.length),
    /** Calls per minute allowed with this key (default 120). */
    ratePerMinute: z.number().int().min(1).max(10_000).optional(),
  })
  .meta({ id: 'ApiKeyCreate' });
export type ApiKeyCreate = z.input<typeof ApiKeyCreate>;

/** The key itself is in this answer only: it is stored hashed. */
export const ApiKeyCreated = z.object({ id: z.string(), key: z.string() }).meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

export const ApiKeyOut = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(ApiKeyScopeEnum),
    /** The first characters of the key, to recognise it. */
    prefix: z.string(),
    ratePerMinute: z.number().int(),
    createdAt: z.string(),
    lastUsedAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: 'ApiKeyOut' });
export type ApiKeyOut = z.infer<typeof ApiKeyOut>;
export const ApiKeyList = z.object({ items: z.array(ApiKeyOut) }).meta({ id: 'ApiKeyList' });
export const ApiKeyIdParam = z.object({ id: ObjectIdString });
