import type Koa from 'koa';
import type { Types } from 'mongoose';
import { AppError, ApiClient } from '@yingji/shared';
import { ChatEngine, type SessionProvider } from '@yingji/bot/src/engine';
import {
  CallbackRefused,
  WecomAppChannel,
  cardAckOf,
  openCallback,
  verifyUrl,
  dedupeKey,
  type WecomCallbackConfig,
  type WecomInbound,
} from '@yingji/bot/src/channels/wecom-app';
import type { AppServices } from '../core/context';
import { enqueue } from '../outbox/enqueue';
import { TownModel } from '../people/models';
import { resolveTown } from '../people/service';
import { townCallback, townsOfCorp } from '../towns/wecom-corps';
import { CardAckBatcher } from './card-ack-batcher';
import { findChatUser, firstTimeSeen, sessionFor } from './service';

export const WECOM_CALLBACK_PATH = '/wecom/callback';

const REFUSALS = {
  signature: 'WECOM_CALLBACK_SIGNATURE_INVALID',
  corp: 'WECOM_CALLBACK_CORP_MISMATCH',
  body: 'WECOM_CALLBACK_BODY_INVALID',
} as const;

function callbackConfig(services: AppServices): WecomCallbackConfig {
  const { WECOM_CORP_ID, WECOM_TOKEN, WECOM_ENCODING_AES_KEY } = services.config;
  if (!WECOM_CORP_ID || !WECOM_TOKEN || !WECOM_ENCODING_AES_KEY) throw new AppError('WECOM_CALLBACK_NOT_CONFIGURED');
  return { corpId: WECOM_CORP_ID, token: WECOM_TOKEN, encodingAESKey: WECOM_ENCODING_AES_KEY };
}

function queryOf(ctx: Koa.Context) {
  const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const q = ctx.query;
  return {
    msg_signature: one(q.msg_signature),
    timestamp: one(q.timestamp),
    nonce: one(q.nonce),
    echostr: one(q.echostr),
  };
}

async function readRaw(ctx: Koa.Context, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** This server as seen from itself: the engine acts through the same HTTP API as every front door. */
function selfBase(ctx: Koa.Context): string {
  const addr = (ctx.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = addr === '::' || addr === '0.0.0.0' ? '127.0.0.1' : addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${ctx.socket.localPort}`;
}

/**
 * Where a message came in: the deployment's app at `/wecom/callback`, or a town's own app at
 * `/wecom/callback/<town code>`. Members are looked up among the towns of that corp only (a
 * WeCom userid names a person inside one corp), and a stranger's reply is filed under the town.
 */
interface Scope {
  key: string;
  cfg: WecomCallbackConfig;
  towns: () => Promise<Types.ObjectId[]>;
  /** Replies to someone no town knows are filed here (the deployment's default town otherwise). */
  town?: Types.ObjectId;
}

async function scopeOf(services: AppServices, path: string): Promise<Scope | undefined> {
  if (path === WECOM_CALLBACK_PATH)
    return { key: 'deployment', cfg: callbackConfig(services), towns: () => townsOfCorp(services.config, undefined) };
  const code = path.startsWith(`${WECOM_CALLBACK_PATH}/`) ? path.slice(WECOM_CALLBACK_PATH.length + 1) : '';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) return undefined;
  const town = await townCallback(services.config, code);
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  if (!town.callback) throw new AppError('WECOM_CALLBACK_NOT_CONFIGURED');
  return {
    key: `town:${String(town.town)}`,
    cfg: town.callback,
    towns: () => townsOfCorp(services.config, town.corpId),
    town: town.town,
  };
}

/**
 * `GET|POST /wecom/callback` (and `/wecom/callback/<town code>` for a town's own app), the WeCom
 * self-built app's 接收消息 URL. GET answers the verification echo. POST checks the signature
 * (constant time), decrypts, checks the receiver is that corp, and answers 200 with an empty body
 * at once; the message is then processed after the answer, once per MsgId or event key however
 * often WeCom retries. Anything refused changes nothing.
 */
export function wecomCallback(services: AppServices): Koa.Middleware {
  const channels = new Map<string, WecomAppChannel>();
  const inFlight = new Set<Promise<void>>();

  const channelFor = (base: string, scope: Scope) => {
    let channel = channels.get(scope.key);
    if (channel) return channel;
    const member = async (id: string) =>
      findChatUser('wecom_app', id, { config: services.config, towns: await scope.towns() });
    const sessions: SessionProvider = {
      async open({ externalUserId }) {
        const user = await member(externalUserId);
        return user ? sessionFor(services, user) : undefined;
      },
    };
    channel = new WecomAppChannel({
      engine: new ChatEngine({
        api: new ApiClient({ baseUrl: base }),
        sessions,
        onError: (err) => services.log.error({ err }, 'wecom chat engine failed'),
      }),
      // The warning card's 收到: acknowledged as the member, and the card updated to show who confirmed.
      onCardAck: (m, calloutId) => cardAck(scope, m, calloutId),
      deliver: async (to, message, key) => {
        const user = await member(to.id);
        const town = user ? user.town : (scope.town ?? (await strangerTown(services)));
        await enqueue(services.clock, [
          {
            town,
            channel: 'wecom_app',
            recipient: { user: user?._id, address: to.id },
            content: { kind: 'text', text: message.text },
            source: { kind: 'chat_reply', id: key },
            idempotencyKey: `chat_reply:wecom_app:${scope.town ? `${scope.key}:` : ''}${key}`,
          },
        ]);
      },
    });
    channels.set(scope.key, channel);
    return channel;
  };

  const process = async (base: string, scope: Scope, msg: WecomInbound) => {
    try {
      // MsgIds are unique within a corp: a town's own app keeps its own.
      const seen = `${scope.town ? `${scope.key}:` : ''}${dedupeKey(msg)}`;
      if (!(await firstTimeSeen(services, 'wecom_app', seen))) return;
      await channelFor(base, scope).receive(msg);
    } catch (err) {
      services.log.error({ err, msgType: msg.msgType }, 'wecom callback processing failed');
    }
  };

  // Messages are answered at once, then processed a few at a time, so the database sees a steady
  // stream instead of everything at once. Card clicks arrive by the hundred during a 临灾叫应:
  // they skip the queue and are acknowledged in batches (idempotent, so no per-message dedupe).
  const queue = new BoundedQueue(services.config.WECOM_CALLBACK_CONCURRENCY, 20_000);
  const clicks = new CardAckBatcher(services);
  const cardAck = async (scope: Scope, m: WecomInbound, calloutId: string) =>
    clicks.add({ wecomUserId: m.fromUserName, calloutId, responseCode: m.responseCode, towns: await scope.towns() });

  const middleware: Koa.Middleware = async (ctx, next) => {
    if (ctx.path !== WECOM_CALLBACK_PATH && !ctx.path.startsWith(`${WECOM_CALLBACK_PATH}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'POST') {
      ctx.set('Allow', 'GET, POST');
      throw new AppError('METHOD_NOT_ALLOWED');
    }
    const scope = await scopeOf(services, ctx.path);
    if (!scope) return next();
    const cfg = scope.cfg;
    try {
      if (ctx.method === 'GET') {
        ctx.type = 'text/plain';
        ctx.body = verifyUrl(cfg, queryOf(ctx));
        return;
      }
      const raw = await readRaw(ctx, services.config.BODY_LIMIT_KB * 1024);
      const q = queryOf(ctx);
      const msg = openCallback(cfg, q, raw);
      // The signature covers the timestamp: one far from now is a replay (or a broken clock).
      const skew = Math.abs(services.clock.now().getTime() / 1000 - Number(q.timestamp));
      if (!(skew <= services.config.WECOM_CALLBACK_MAX_SKEW_SECONDS)) {
        ctx.state.log?.warn({ skew: Number.isFinite(skew) ? Math.round(skew) : null }, 'wecom callback stale');
        throw new AppError('WECOM_CALLBACK_STALE');
      }
      const click = cardAckOf(msg);
      // Full (a flood): answer 503 so that WeCom retries later, rather than accept and drop.
      if (click ? clicks.full : queue.full) throw new AppError('WECOM_CALLBACK_BUSY');
      const base = selfBase(ctx);
      ctx.status = 200;
      ctx.body = '';
      // Work after the answer: WeCom wants it within 5 s and retries otherwise.
      const job = click ? cardAck(scope, msg, click) : queue.push(() => process(base, scope, msg));
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    } catch (e) {
      if (e instanceof CallbackRefused) {
        ctx.state.log?.warn({ reason: e.reason }, 'wecom callback refused');
        throw new AppError(REFUSALS[e.reason]);
      }
      throw e;
    }
  };
  return Object.assign(middleware, { drain: () => Promise.all([...inFlight]).then(() => undefined) });
}

/**
 * The town a reply to a stranger (a WeCom member no town has registered) is filed under: the
 * default or only town; with several, the first one. It only files the outbox record: the reply
 * itself says how to get registered and carries nothing of any town.
 */
async function strangerTown(services: AppServices) {
  try {
    return (await resolveTown(services.config))._id;
  } catch (e) {
    if ((e as AppError).code !== 'TOWN_REQUIRED') throw e;
    const first = await TownModel.findOne().sort({ createdAt: 1 }).select('_id').lean();
    if (!first) throw e;
    return first._id;
  }
}

/** At most `concurrency` tasks run at once; up to `capacity` wait their turn. */
class BoundedQueue {
  private running = 0;
  private waiting: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
  ) {}

  get full(): boolean {
    return this.waiting.length >= this.capacity;
  }

  async push(task: () => Promise<void>): Promise<void> {
    // A free slot is taken at once; otherwise a finishing task hands its slot over.
    if (this.running < this.concurrency) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      await new Promise<void>((resolve) => setImmediate(resolve)); // after the answer is written
      await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
