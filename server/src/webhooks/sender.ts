import type { AppServices } from '../core/context';
import { WebhookModel, type WebhookLean } from './model';
import { sign } from './service';

/** Why a webhook POST did not go through, in the outbox's terms (mapped in outbox/senders.ts). */
export class WebhookCallError extends Error {
  override name = 'WebhookCallError';
  constructor(
    message: string,
    readonly outcome: 'not_sent' | 'unknown',
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * POST one delivery's body, signed with the subscription's secret. 2xx: delivered. 408, 429 and
 * 5xx: tried again after a back-off. Another 4xx: refused for good (parked for the office).
 * No answer (time-out, reset): outcome unknown, sent again, since receivers dedupe by the event id
 * and `X-Yingji-Delivery`.
 */
export async function sendWebhook(
  services: AppServices,
  d: { _id: unknown; recipient: { address: string }; content: { text?: string | null }; source?: { step?: string } },
): Promise<{ status: number }> {
  const w = await WebhookModel.findById(d.recipient.address).lean<WebhookLean>();
  if (!w || !w.active) throw new WebhookCallError('推送订阅已删除或停用', 'not_sent', false);
  const body = d.content.text ?? '';
  const event = (JSON.parse(body) as { event?: string }).event ?? d.source?.step ?? '';
  let res: Response;
  try {
    res = await fetch(w.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'yingji-webhook/1',
        'x-yingji-signature': sign(w.secret, body),
        'x-yingji-event': event,
        'x-yingji-delivery': String(d._id),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(services.config.WEBHOOK_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
  } catch (e) {
    throw new WebhookCallError(`推送无应答：${e instanceof Error ? e.message : String(e)}`, 'unknown', true);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new WebhookCallError(
    `接收方返回 HTTP ${res.status}`,
    'not_sent',
    retryable,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
  );
}
