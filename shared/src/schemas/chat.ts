import { z } from 'zod';
import { fetchTransport, type ApiClient, type Transport } from '../client';
import { RoleSchema } from './auth';

/** Request and answer schemas of the chat capability (shared by the server, the bot and the mini-program). */

/** Chat channels whose senders the server can recognise (Wechaty contact ids, WeCom user ids). */
export const ChatSenderChannel = z.enum(['wechaty', 'wecom_app']).meta({ id: 'ChatSenderChannel' });
export type ChatSenderChannel = z.infer<typeof ChatSenderChannel>;

const ExternalId = z.string().trim().min(1).max(128);

export const ChatSessionRequest = z
  .object({
    channel: ChatSenderChannel,
    /** The sender's id on the channel: a Wechaty contact id or a WeCom user id. */
    externalUserId: ExternalId,
    /** The group the line was written in (Wechaty room id), if any. */
    groupExternalId: ExternalId.optional(),
  })
  .meta({ id: 'ChatSessionRequest' });
export type ChatSessionRequest = z.infer<typeof ChatSessionRequest>;

export const ChatSession = z
  .object({
    /** A short-lived token to act with the sender's own rights. */
    token: z.string(),
    expiresAt: z.string(),
    user: z.object({
      id: z.string(),
      name: z.string(),
      role: RoleSchema,
      townId: z.string(),
      villageId: z.string().optional(),
      gridIds: z.array(z.string()),
    }),
    /** The group, when it is one of the town's known chat groups. */
    group: z
      .object({ id: z.string(), name: z.string(), gridId: z.string().optional(), villageId: z.string().optional() })
      .optional(),
  })
  .meta({ id: 'ChatSession' });
export type ChatSession = z.infer<typeof ChatSession>;

export const ChatBindCode = z
  .object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.string() })
  .meta({ id: 'ChatBindCode' });
export type ChatBindCode = z.infer<typeof ChatBindCode>;

export const ChatBindRequest = z
  .object({
    channel: z.literal('wechaty'),
    externalUserId: ExternalId,
    code: z.string().regex(/^\d{6}$/, '绑定码应为 6 位数字'),
  })
  .meta({ id: 'ChatBindRequest' });
export type ChatBindRequest = z.infer<typeof ChatBindRequest>;

export const ChatBindResult = z
  .object({ user: z.object({ id: z.string(), name: z.string() }) })
  .meta({ id: 'ChatBindResult' });
export type ChatBindResult = z.infer<typeof ChatBindResult>;

/**
 * A transport for bot processes: every request carries `Authorization: Bot <BOT_TOKEN>` (service
 * routes such as the chat session and the outbox claim), unless it already carries a user token.
 */
export function botTransport(botToken: string, inner: Transport = fetchTransport): Transport {
  return (req) =>
    inner(req.headers.authorization ? req : { ...req, headers: { ...req.headers, authorization: `Bot ${botToken}` } });
}

/** Typed helpers for the chat routes. `session` and `bind` need a bot client (Authorization: Bot …). */
export const chatApi = (c: ApiClient) => ({
  session: (body: ChatSessionRequest) => c.post<ChatSession>('/api/chat/session', body),
  bind: (body: ChatBindRequest) => c.post<ChatBindResult>('/api/chat/bind', body),
  bindCode: () => c.post<ChatBindCode>('/api/chat/bind-code', {}),
});

export * from '../chat/parse';
