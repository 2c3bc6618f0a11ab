import type { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { WeComError, type AppMessage, type TemplateCard } from '../wecom/client';
import { wecomForTown } from '../wecom/towns';
import { WeComRobotSender, type RobotMessage } from '../wecom/robot';
import { sendBroadcast } from '../broadcast/sender';
import { sendSms } from '../sms/client';
import { WebhookCallError, sendWebhook } from '../webhooks/sender';
import type { DeliveryChannel, ParkedReason } from './delivery.model';
import { WechatCallError, WechatSubscribeClient, sendSubscribe } from './wechat-subscribe';

/** The fields of a delivery a sender reads (a lean document). */
export interface OutgoingDelivery {
  _id: unknown;
  /** The town whose own WeCom app sends it, when it has one (wecom/towns.ts). */
  town?: Types.ObjectId;
  channel: DeliveryChannel;
  recipient: { address: string; group?: unknown; user?: unknown };
  content: {
    kind?: string | null;
    text?: string | null;
    markdown?: string | null;
    card?: unknown;
    mentions?: string[];
    mentionMobiles?: string[];
  };
}

export interface SendOk {
  result?: Record<string, unknown>;
  /** Batch members the channel does not know: parked separately for the office. */
  invalid?: string[];
}

/** Why a send did not go through, in the worker's terms. */
export class SendFailure extends Error {
  override name = 'SendFailure';
  constructor(
    message: string,
    readonly outcome: 'not_sent' | 'unknown',
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly reason?: ParkedReason,
    readonly invalid: string[] = [],
  ) {
    super(message);
  }
}

/**
 * After an unknown outcome (time-out, crash mid-call), may the identical request be sent again?
 * Only where the channel itself drops the duplicate: WeCom message/send with its duplicate check
 * (4 h), and card updates (harmless twice). App chats, robots, Wechaty and subscription messages
 * have no such check: those are parked for the office instead of risking a second copy.
 */
export function resendableOnUnknown(d: Pick<OutgoingDelivery, 'channel' | 'recipient' | 'content'>): boolean {
  // Webhook receivers dedupe by the event id and X-Yingji-Delivery (signed into the body and headers).
  return (d.channel === 'wecom_app' && !d.recipient.group) || d.channel === 'webhook';
}

interface Clients {
  robot: WeComRobotSender;
  subscribe?: WechatSubscribeClient;
}
const perServices = new WeakMap<AppServices, Clients>();
function clients(services: AppServices): Clients {
  let c = perServices.get(services);
  if (!c) {
    const cfg = services.config;
    c = {
      robot: new WeComRobotSender({
        baseUrl: cfg.WECOM_API_BASE,
        timeoutMs: cfg.WECOM_TIMEOUT_MS,
        now: () => services.clock.now().getTime(),
      }),
      subscribe:
        cfg.WECHAT_APPID && cfg.WECHAT_SECRET
          ? new WechatSubscribeClient({
              appId: cfg.WECHAT_APPID,
              secret: cfg.WECHAT_SECRET,
              baseUrl: cfg.WECHAT_API_BASE,
              timeoutMs: cfg.WECOM_TIMEOUT_MS,
            })
          : undefined,
    };
    perServices.set(services, c);
  }
  return c;
}

/** Send one delivery through its channel. Throws SendFailure. */
export async function sendDelivery(services: AppServices, d: OutgoingDelivery): Promise<SendOk> {
  try {
    switch (d.channel) {
      case 'wecom_app':
        return await sendWecomApp(services, d);
      case 'wecom_robot':
        await clients(services).robot.send(d.recipient.address, robotMessage(d));
        return {};
      case 'wechat_subscribe': {
        const sub = clients(services).subscribe;
        if (!sub)
          throw new SendFailure(
            '未配置小程序 AppID/AppSecret（WECHAT_APPID、WECHAT_SECRET），无法发送订阅消息',
            'not_sent',
            false,
            undefined,
            'not_configured',
          );
        return await sendSubscribe(sub, d);
      }
      case 'webhook':
        return { result: await sendWebhook(services, d as Parameters<typeof sendWebhook>[1]) };
      case 'broadcast':
        return { result: await sendBroadcast(services, d) };
      case 'sms':
        return { result: await sendSms(services, d) };
      default:
        throw new SendFailure(
          `channel ${d.channel} is sent by another process`,
          'not_sent',
          false,
          undefined,
          'rejected',
        );
    }
  } catch (e) {
    throw toFailure(e);
  }
}

async function sendWecomApp(services: AppServices, d: OutgoingDelivery): Promise<SendOk> {
  const wecom = await wecomForTown(services, d.town);
  if (!wecom)
    throw new SendFailure(
      '未配置企业微信应用（本镇设置的 wecomApp，或 WECOM_CORP_ID、WECOM_SECRET、WECOM_AGENT_ID），无法发送',
      'not_sent',
      false,
      undefined,
      'not_configured',
    );
  const c = d.content;
  if (c.kind === 'card_update') {
    const card = c.card as { responseCode: string; replaceName: string };
    await wecom.updateTemplateCard({
      userids: d.recipient.address.split('|'),
      responseCode: card.responseCode,
      replaceName: card.replaceName,
    });
    return {};
  }
  if (d.recipient.group) {
    // App chats take text and markdown only (no cards).
    const msg =
      c.kind === 'markdown' && c.markdown
        ? { msgtype: 'markdown' as const, markdown: { content: c.markdown } }
        : { msgtype: 'text' as const, text: { content: c.text ?? c.markdown ?? '' } };
    await wecom.sendAppChat(d.recipient.address, msg);
    return {};
  }
  const msg: AppMessage =
    c.kind === 'template_card' && c.card
      ? { msgtype: 'template_card', template_card: c.card as TemplateCard }
      : c.kind === 'markdown' && c.markdown
        ? { msgtype: 'markdown', markdown: { content: c.markdown } }
        : { msgtype: 'text', text: { content: c.text ?? '' } };
  const r = await wecom.sendMessage(d.recipient.address.split('|'), msg, { dedupe: true });
  return {
    result: { msgid: r.msgid, ...(r.invalidUsers.length ? { invalidUsers: r.invalidUsers } : {}) },
    invalid: r.invalidUsers,
  };
}

function robotMessage(d: OutgoingDelivery): RobotMessage {
  const c = d.content;
  if (c.kind === 'markdown' && c.markdown) return { msgtype: 'markdown', markdown: { content: c.markdown } };
  return {
    msgtype: 'text',
    text: {
      content: c.text ?? c.markdown ?? '',
      ...(c.mentions?.length ? { mentioned_list: c.mentions } : {}),
      ...(c.mentionMobiles?.length ? { mentioned_mobile_list: c.mentionMobiles } : {}),
    },
  };
}

function toFailure(e: unknown): SendFailure {
  if (e instanceof SendFailure) return e;
  if (e instanceof WeComError) {
    if (e.errcode === 81013)
      return new SendFailure(
        '企业微信账号无效或不在应用可见范围（81013）',
        'not_sent',
        false,
        undefined,
        'invalid_recipient',
        e.invalidUsers,
      );
    return new SendFailure(e.message, e.outcome, e.retryable, e.retryAfterMs, e.retryable ? undefined : 'rejected');
  }
  if (e instanceof WebhookCallError)
    return new SendFailure(e.message, e.outcome, e.retryable, e.retryAfterMs, e.retryable ? undefined : 'rejected');
  if (e instanceof WechatCallError) {
    const reason = e.errcode === 43101 || e.errcode === 40003 ? 'invalid_recipient' : 'rejected';
    return new SendFailure(e.message, e.outcome, e.retryable, undefined, e.retryable ? undefined : reason);
  }
  return new SendFailure(e instanceof Error ? e.message : String(e), 'unknown', true);
}
