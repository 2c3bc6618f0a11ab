import { z } from 'zod';
import { fetchTransport, type ApiClient, type Transport } from '../client';
import { RoleSchema } from './auth';
import { CalloutLevel, type CalloutAckResponse } from './callouts';
import { ObjectIdString } from './common';
import type { TransferResult } from './shelters';

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
 * Where a chat line was written: in a group, the call-out meant is the one announced in that group
 * (`groupId`, the chat group's id from the session); a group the server does not know had none.
 */
const ChatPlace = {
  groupId: ObjectIdString.optional(),
  inGroup: z.boolean().default(false),
  channel: z.string().trim().min(1).max(32).optional(),
};

/** 收到 in a chat: the open call-out of that group (one-to-one: the sender's latest open one). */
export const ChatAckRequest = z.object(ChatPlace).meta({ id: 'ChatAckRequest' });
export type ChatAckRequest = z.input<typeof ChatAckRequest>;

/** 已到岗 / 转移完成 in a chat, recorded against the same call-out a 收到 there would answer. */
export const ChatStageRequest = z
  .object({
    ...ChatPlace,
    stage: z.enum(['at_post', 'transfer_done']),
    count: z.number().int().min(0).max(100000).optional(),
  })
  .meta({ id: 'ChatStageRequest' });
export type ChatStageRequest = z.input<typeof ChatStageRequest>;

export const ChatStageResult = z
  .object({
    callout: z.object({ id: z.string(), title: z.string(), level: CalloutLevel }),
    stage: z.enum(['at_post', 'transfer_done']),
    at: z.string(),
    count: z.number().int().optional(),
    alreadyReported: z.boolean(),
  })
  .meta({ id: 'ChatStageResult' });
export type ChatStageResult = z.infer<typeof ChatStageResult>;

/** 已转移 N 人 in a chat: recorded only while a warning is in force for the sender, or for a named plan. */
export const ChatTransferRequest = z
  .object({
    count: z.number().int().min(1, '转移人数应大于 0').max(100000, '转移人数过大'),
    channel: z.string().trim().min(1).max(32).optional(),
    hazardPointId: ObjectIdString.optional(),
  })
  .meta({ id: 'ChatTransferRequest' });
export type ChatTransferRequest = z.input<typeof ChatTransferRequest>;

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
  ack: (body: ChatAckRequest) => c.post<CalloutAckResponse>('/api/chat/ack', body),
  stage: (body: ChatStageRequest) => c.post<ChatStageResult>('/api/chat/stage', body),
  transfer: (body: ChatTransferRequest) => c.post<TransferResult>('/api/chat/transfer', body),
});

export * from '../chat/parse';
