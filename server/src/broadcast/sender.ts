import type { AppServices } from '../core/context';
import { WebhookCallError } from '../webhooks/sender';
import { sign } from '../webhooks/service';
import { BroadcastEndpointModel, type EndpointLean } from './model';

/**
 * POST one broadcast command to its endpoint, signed like a webhook (`X-Yingji-Signature` with the
 * endpoint's secret). Loudspeakers cannot take a repeat back, so a send without an answer is not
 * sent again (the outbox parks it for the office to check).
 */
export async function sendBroadcast(
  services: AppServices,
  d: { _id: unknown; recipient: { address: string }; content: { text?: string | null } },
): Promise<{ status: number }> {
  const e = await BroadcastEndpointModel.findById(d.recipient.address).lean<EndpointLean>();
  if (!e || !e.active) throw new WebhookCallError('广播终端已删除或停用', 'not_sent', false);
  const body = d.content.text ?? '';
  let res: Response;
  try {
    res = await fetch(e.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-yingji-signature': sign(e.secret, body),
        'x-yingji-delivery': String(d._id),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(services.config.WEBHOOK_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    throw new WebhookCallError(`广播终端无应答：${err instanceof Error ? err.message : String(err)}`, 'unknown', true);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new WebhookCallError(`广播终端返回 HTTP ${res.status}`, 'not_sent', retryable);
}
