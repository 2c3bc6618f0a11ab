import { WechatCallError, WechatServerApi } from '../auth/wechat-client';
import { clearConsent, refundConsent, spendConsent } from '../subscriptions/service';
import type { ParkedReason } from './delivery.model';
import { SendFailure, type OutgoingDelivery, type SendOk } from './senders';

export { WechatCallError };

/**
 * Mini-program subscription messages (订阅消息): POST /cgi-bin/message/subscribe/send. Each send
 * needs the user's one-time consent: 43101 means there is none left (not retried).
 */
export interface SubscribeMessage {
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: 'developer' | 'trial' | 'formal';
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

export class WechatSubscribeClient extends WechatServerApi {
  async send(openid: string, msg: SubscribeMessage): Promise<{ msgid?: string }> {
    const r = await this.call('/cgi-bin/message/subscribe/send', {
      touser: openid,
      template_id: msg.template_id,
      ...(msg.page ? { page: msg.page } : {}),
      ...(msg.miniprogram_state ? { miniprogram_state: msg.miniprogram_state } : {}),
      ...(msg.lang ? { lang: msg.lang } : {}),
      data: msg.data,
    });
    return { msgid: r.msgid === undefined ? undefined : String(r.msgid) };
  }
}

function card(d: OutgoingDelivery): SubscribeMessage | undefined {
  const c = d.content.card as Partial<SubscribeMessage> | undefined;
  if (!c || typeof c.template_id !== 'string' || !c.template_id || !c.data || typeof c.data !== 'object')
    return undefined;
  for (const v of Object.values(c.data)) if (typeof (v as { value?: unknown })?.value !== 'string') return undefined;
  return c as SubscribeMessage;
}

const fail = (message: string, reason: ParkedReason) => new SendFailure(message, 'not_sent', false, undefined, reason);

/**
 * Send one subscription message for the outbox worker. The recipient's consent for the template is
 * spent first (one atomic conditional decrement), so two deliveries never use one accept twice;
 * what WeChat did not send is given back. WeChat's answers:
 * - 43101 the user refused or has none left: not retried, the consent is gone;
 * - 47003 a value breaks WeChat's rules: parked with WeChat's reason (it names the field);
 * - 40003 a bad openid: parked, not retried;
 * - 45009 the API quota: retried later.
 */
export async function sendSubscribe(client: WechatSubscribeClient, d: OutgoingDelivery): Promise<SendOk> {
  const msg = card(d);
  if (!msg) throw fail('订阅消息缺少模板编号或字段（template_id、data），无法发送', 'rejected');
  const user = d.recipient.user ? String(d.recipient.user) : undefined;
  if (user && !(await spendConsent(user, msg.template_id)))
    throw fail('该用户没有可用的订阅次数（未同意订阅或已用完），未发送', 'invalid_recipient');
  try {
    return { result: await client.send(d.recipient.address, msg) };
  } catch (e) {
    if (!(e instanceof WechatCallError) || !user) throw e;
    const code = e.errcode;
    if (code === 43101) {
      await clearConsent(user, msg.template_id, 'refused');
      throw fail('用户拒收或订阅次数已用完（43101），不再重试', 'invalid_recipient');
    }
    if (code === 40003) {
      await clearConsent(user, msg.template_id, 'bad_openid');
      throw fail('用户的 openid 无效（40003），不再重试', 'invalid_recipient');
    }
    // Anything else WeChat refused outright, or a request that never left: the consent is not used.
    if (e.outcome === 'not_sent') await refundConsent(user, msg.template_id);
    if (code === 47003)
      throw fail(`订阅消息内容不符合微信规则（47003）：${e.message.replace(/^wechat: /, '')}`, 'rejected');
    if (code === 45009)
      throw new SendFailure('微信接口调用次数已达上限（45009），稍后重试', 'not_sent', true, 10 * 60_000);
    throw e;
  }
}
