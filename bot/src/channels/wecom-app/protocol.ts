import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { XMLParser } from 'fast-xml-parser';

/**
 * The WeCom self-built app callback protocol (接收消息, reference A3): signatures, AES decryption of
 * the envelope, and the plaintext message XML. Pure functions; the Koa middleware in
 * server/src/chat/wecom-callback.ts answers HTTP with them.
 */
export interface WecomCallbackConfig {
  corpId: string;
  token: string;
  encodingAESKey: string;
}

export interface SignedQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
}

export type CallbackRefusal = 'signature' | 'corp' | 'body';

/** Why a callback is refused; the middleware maps it to an error code and changes nothing. */
export class CallbackRefused extends Error {
  constructor(readonly reason: CallbackRefusal) {
    super(`wecom callback refused: ${reason}`);
    this.name = 'CallbackRefused';
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkSignature(cfg: WecomCallbackConfig, q: SignedQuery, encrypted: string) {
  if (!q.msg_signature || !q.timestamp || !q.nonce) throw new CallbackRefused('signature');
  const expected = getSignature(cfg.token, q.timestamp, q.nonce, encrypted);
  if (!safeEqual(expected, q.msg_signature)) throw new CallbackRefused('signature');
}

/**
 * Decrypt and check the receiver id. @wecom/crypto's unpadding passes bad padding through, so a
 * result that is not well-formed is treated as undecryptable.
 */
function open(cfg: WecomCallbackConfig, encrypted: string): string {
  let out: { message: string; id: string };
  try {
    out = decrypt(cfg.encodingAESKey, encrypted);
  } catch {
    throw new CallbackRefused('body');
  }
  if (!safeEqual(out.id, cfg.corpId)) throw new CallbackRefused('corp');
  return out.message;
}

/** GET verification: the decrypted echostr, to answer as plain text. */
export function verifyUrl(cfg: WecomCallbackConfig, q: SignedQuery & { echostr?: string }): string {
  if (!q.echostr) throw new CallbackRefused('body');
  checkSignature(cfg, q, q.echostr);
  return open(cfg, q.echostr);
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // keep MsgId (64-bit) and user ids as strings
  trimValues: true,
  processEntities: false,
});

function parseXml(xml: string): Record<string, unknown> {
  try {
    const doc = parser.parse(xml) as { xml?: Record<string, unknown> };
    if (!doc || typeof doc.xml !== 'object' || doc.xml === null) throw new Error('no <xml>');
    return doc.xml;
  } catch {
    throw new CallbackRefused('body');
  }
}

/** A message or event from a member to the app. */
export interface WecomInbound {
  toUserName: string;
  fromUserName: string;
  createTime: number;
  msgType: string;
  msgId?: string;
  agentId?: string;
  content?: string;
  picUrl?: string;
  mediaId?: string;
  latitude?: number;
  longitude?: number;
  label?: string;
  event?: string;
  eventKey?: string;
  taskId?: string;
  responseCode?: string;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
const num = (v: unknown): number | undefined => {
  const n = Number(v);
  return v === undefined || v === '' || !Number.isFinite(n) ? undefined : n;
};

/** POST delivery: check the signature, decrypt, check the corp, parse. Throws CallbackRefused. */
export function openCallback(cfg: WecomCallbackConfig, q: SignedQuery, rawBody: string): WecomInbound {
  const envelope = parseXml(rawBody);
  const encrypted = str(envelope.Encrypt);
  if (!encrypted) throw new CallbackRefused('body');
  checkSignature(cfg, q, encrypted);
  const m = parseXml(open(cfg, encrypted));
  const to = str(m.ToUserName);
  if (!to || !safeEqual(to, cfg.corpId)) throw new CallbackRefused('corp');
  const from = str(m.FromUserName);
  const msgType = str(m.MsgType);
  const createTime = num(m.CreateTime);
  if (!from || !msgType || createTime === undefined) throw new CallbackRefused('body');
  const isLocationEvent = str(m.Event) === 'LOCATION';
  return {
    toUserName: to,
    fromUserName: from,
    createTime,
    msgType,
    msgId: str(m.MsgId),
    agentId: str(m.AgentID),
    content: str(m.Content),
    picUrl: str(m.PicUrl),
    mediaId: str(m.MediaId),
    latitude: isLocationEvent ? num(m.Latitude) : num(m.Location_X),
    longitude: isLocationEvent ? num(m.Longitude) : num(m.Location_Y),
    label: str(m.Label),
    event: str(m.Event),
    eventKey: str(m.EventKey),
    taskId: str(m.TaskId),
    responseCode: str(m.ResponseCode),
  };
}

/** The key a message is processed once by: MsgId, or for events FromUserName+CreateTime+Event+EventKey/TaskId. */
export function dedupeKey(m: WecomInbound): string {
  if (m.msgId) return `msg:${m.msgId}`;
  return ['evt', m.fromUserName, m.createTime, m.event ?? '', m.eventKey ?? '', m.taskId ?? ''].join(':');
}

// --- building callbacks: what WeCom sends, for tests and the local fake -------------------------

const cdata = (v: string) => `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** Plaintext XML of a message or event, as WeCom writes it. */
export function buildMessageXml(fields: Record<string, string | number | undefined>): string {
  const body = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}>${cdata(String(v))}</${k}>`))
    .join('');
  return `<xml>${body}</xml>`;
}

/** A signed, encrypted POST body and its query, exactly as WeCom would deliver it. */
export function sealCallback(
  cfg: WecomCallbackConfig & { receiverId?: string; agentId?: string },
  plainXml: string,
  opts: { timestamp?: string; nonce?: string } = {},
): { query: Required<SignedQuery>; body: string } {
  const enc = encrypt(cfg.encodingAESKey, plainXml, cfg.receiverId ?? cfg.corpId);
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? Math.random().toString(36).slice(2, 12);
  const body = `<xml><ToUserName>${cdata(cfg.receiverId ?? cfg.corpId)}</ToUserName><AgentID>${cdata(cfg.agentId ?? '1000002')}</AgentID><Encrypt>${cdata(enc)}</Encrypt></xml>`;
  return { query: { msg_signature: getSignature(cfg.token, timestamp, nonce, enc), timestamp, nonce }, body };
}
