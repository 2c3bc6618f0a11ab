import crypto from 'node:crypto';
import type { AppServices } from '../core/context';
import { WebhookCallError } from '../webhooks/sender';

/**
 * A thin client of an SMS / voice-notification gateway in the shape of the common Chinese cloud
 * APIs (Aliyun SendSms / SingleCallByTts): `POST {base}/sms/send` with PhoneNumbers, SignName,
 * TemplateCode, TemplateParam (a JSON string) and OutId; `POST {base}/voice/call` with
 * CalledNumber, TtsCode, TtsParam and OutId; answers `{ Code: 'OK', BizId | CallId }` or an error
 * code. Requests are signed: `X-Sms-Key` and `X-Sms-Signature` = hex HMAC-SHA256 of the body.
 * The OutId is our delivery id, which the gateway's delivery report names.
 */
export async function sendSms(
  services: AppServices,
  d: {
    _id: unknown;
    recipient: { address: string };
    content: { kind?: string | null; text?: string | null; card?: unknown };
  },
): Promise<Record<string, unknown>> {
  const cfg = services.config;
  if (!cfg.SMS_API_BASE || !cfg.SMS_ACCESS_KEY_ID || !cfg.SMS_ACCESS_KEY_SECRET)
    throw new WebhookCallError('未配置短信网关（SMS_API_BASE 等），无法发送短信', 'not_sent', false);
  const voice = (d.content.card as { voice?: boolean } | undefined)?.voice === true;
  const text = d.content.text ?? '';
  const body = JSON.stringify(
    voice
      ? {
          CalledNumber: d.recipient.address,
          TtsCode: cfg.SMS_TTS_CODE ?? '',
          TtsParam: JSON.stringify({ text }),
          OutId: String(d._id),
        }
      : {
          PhoneNumbers: d.recipient.address,
          SignName: cfg.SMS_SIGN_NAME ?? '',
          TemplateCode: cfg.SMS_TEMPLATE_CODE ?? '',
          TemplateParam: JSON.stringify({ text }),
          OutId: String(d._id),
        },
  );
  let res: Response;
  try {
    res = await fetch(`${cfg.SMS_API_BASE.replace(/\/$/, '')}/${voice ? 'voice/call' : 'sms/send'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sms-key': cfg.SMS_ACCESS_KEY_ID,
        'x-sms-signature': crypto.createHmac('sha256', cfg.SMS_ACCESS_KEY_SECRET).update(body).digest('hex'),
      },
      body,
      signal: AbortSignal.timeout(cfg.WECOM_TIMEOUT_MS),
    });
  } catch (e) {
    throw new WebhookCallError(`短信网关无应答：${e instanceof Error ? e.message : String(e)}`, 'unknown', false);
  }
  const answer = (await res.json().catch(() => ({}))) as {
    Code?: string;
    Message?: string;
    BizId?: string;
    CallId?: string;
  };
  if (res.ok && answer.Code === 'OK')
    return {
      code: 'OK',
      ...(answer.BizId ? { bizId: answer.BizId } : {}),
      ...(answer.CallId ? { callId: answer.CallId } : {}),
      voice,
    };
  const code = answer.Code ?? `HTTP_${res.status}`;
  const retryable = res.status >= 500 || /LIMIT_CONTROL|THROTTL|SERVICE_UNAVAILABLE/i.test(code);
  throw new WebhookCallError(`短信网关拒绝：${code} ${answer.Message ?? ''}`.trim(), 'not_sent', retryable);
}
