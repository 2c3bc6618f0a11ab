import crypto from 'node:crypto';
import type Koa from 'koa';
import { AppError } from '@yingji/shared';
import type { AppServices } from '../core/context';
import { onMediaCheckEvent } from './service';

/** The mini-program's message push URL (消息推送), to be entered in its admin console. */
export const WECHAT_PUSH_PATH = '/wechat/push';

/** signature = sha1 of token, timestamp and nonce sorted and joined (the push's plaintext mode). */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

function signed(token: string, q: Record<string, string | undefined>): boolean {
  const { signature = '', timestamp = '', nonce = '' } = q;
  const want = Buffer.from(pushSignature(token, timestamp, nonce));
  const got = Buffer.from(signature);
  return want.length === got.length && crypto.timingSafeEqual(want, got);
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

/**
 * `GET|POST /wechat/push`: WeChat's message push in plaintext JSON mode, checked by its signature
 * (WECHAT_PUSH_TOKEN). GET answers the verification echo; POST takes the `wxa_media_check` event
 * (a photo's verdict) and answers `success`, which stops WeChat's retries. Other events are ignored.
 */
export function wechatPush(services: AppServices): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== WECHAT_PUSH_PATH) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'POST') throw new AppError('METHOD_NOT_ALLOWED');
    const token = services.config.WECHAT_PUSH_TOKEN;
    if (!token) throw new AppError('WECHAT_PUSH_NOT_CONFIGURED');
    const q = ctx.query as Record<string, string | undefined>;
    if (!signed(token, q)) throw new AppError('WECHAT_PUSH_SIGNATURE_INVALID');
    ctx.type = 'text/plain';
    if (ctx.method === 'GET') {
      ctx.body = q.echostr ?? '';
      return;
    }
    const raw = await readRaw(ctx, services.config.BODY_LIMIT_KB * 1024);
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new AppError('INVALID_JSON');
    }
    if (event.Encrypt) {
      // Safe mode is not supported: the console must be set to plaintext (明文) JSON.
      ctx.state.log?.warn('wechat push in safe mode ignored: set the message push to plaintext JSON');
    } else if (event.Event === 'wxa_media_check') {
      await onMediaCheckEvent(services, event as Parameters<typeof onMediaCheckEvent>[1]);
    }
    ctx.body = 'success';
  };
}
