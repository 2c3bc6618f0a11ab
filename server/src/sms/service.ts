import { AppError, maskPhone } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { safeEqual } from '../core/auth';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from '../callouts/callout.model';
import { LAST_STEP } from '../callouts/ladder';
import { DeliveryModel, type DeliveryLean } from '../outbox/delivery.model';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { UserModel } from '../people/user.model';

const LEVEL_LABELS: Record<string, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };

/**
 * The ladder's last rung for real: once a call-out reached its `phone` step, everyone who has not
 * answered gets an SMS (and, for a red warning, a voice call); staff no chat channel reaches get
 * the warning by SMS from the first step. One delivery per person and kind (idempotency key).
 */
export async function runPhoneRung(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const callouts = await CalloutModel.find({
    status: 'active',
    issuedAt: { $gt: new Date(now.getTime() - 24 * 3600_000) },
  })
    .select('_id town title level body exercise step')
    .limit(200)
    .lean();
  let n = 0;
  for (const c of callouts) {
    if (c.step < 0) continue;
    const atPhone = c.step >= LAST_STEP;
    const recips = await CalloutRecipientModel.find({ ...recipientsOf(c._id), open: true, acked: false })
      .select('user noChannel')
      .lean();
    const who = recips.filter((r) => atPhone || r.noChannel);
    if (who.length === 0) continue;
    const users = await UserModel.find({ _id: { $in: who.map((r) => r.user) }, active: true })
      .select('phone')
      .lean();
    const level = LEVEL_LABELS[c.level] ?? c.level;
    const text = `${c.exercise ? '【演练】' : ''}【${level}预警】${c.title}${c.body ? `：${c.body}` : ''}。请回复“收到”或在小程序确认。`;
    const id = String(c._id);
    const msgs: OutboundMessage[] = [];
    for (const u of users) {
      if (!u.phone) continue;
      const base = {
        town: c.town,
        channel: 'sms' as const,
        recipient: { user: u._id as Types.ObjectId, address: u.phone },
        source: { kind: 'callout', id, step: atPhone ? 'phone' : 'notify' },
        exercise: Boolean(c.exercise),
      };
      msgs.push({ ...base, content: { kind: 'text', text }, idempotencyKey: `co:${id}:sms:${String(u._id)}` });
      if (atPhone && c.level === 'red')
        msgs.push({
          ...base,
          content: { kind: 'text', text, card: { voice: true } },
          idempotencyKey: `co:${id}:voice:${String(u._id)}`,
        });
    }
    n += await enqueue(services.clock, msgs);
  }
  return n;
}

/** One delivery report of the gateway (Aliyun's SmsReport / VoiceReport shape). */
export interface SmsReport {
  out_id?: string;
  biz_id?: string;
  phone_number?: string;
  success: boolean;
  err_code?: string;
  err_msg?: string;
  report_time?: string;
}

/** The gateway reports what reached the phone; the board then shows it. */
export async function recordReports(services: AppServices, token: string | undefined, reports: SmsReport[]) {
  const expected = services.config.SMS_REPORT_TOKEN;
  if (!expected || !token || !safeEqual(token, expected)) throw new AppError('UNAUTHENTICATED');
  let n = 0;
  for (const r of reports) {
    if (!r.out_id || !/^[0-9a-f]{24}$/i.test(r.out_id)) continue;
    const res = await DeliveryModel.updateOne(
      { _id: r.out_id, channel: 'sms' },
      {
        $set: {
          'result.report': {
            delivered: r.success,
            code: r.err_code,
            message: r.err_msg,
            at: r.report_time ?? services.clock.now().toISOString(),
          },
        },
      },
    );
    n += res.modifiedCount;
  }
  return { recorded: n };
}

/** The call-out board's SMS and voice column: who was texted or called, and what the gateway reported. */
export async function calloutSms(caller: Caller, calloutId: string) {
  const ds = await DeliveryModel.find({
    town: caller.town,
    channel: 'sms',
    'source.kind': 'callout',
    'source.id': calloutId,
  }).lean<DeliveryLean[]>();
  const users = await UserModel.find({ _id: { $in: ds.map((d) => d.recipient.user) }, town: caller.town })
    .select('name')
    .lean();
  const name = new Map(users.map((u) => [String(u._id), u.name]));
  return {
    items: ds.map((d) => {
      const report = (d.result as { report?: { delivered?: boolean; code?: string } } | undefined)?.report;
      return {
        userId: String(d.recipient.user),
        name: name.get(String(d.recipient.user)) ?? '',
        phone: maskPhone(d.recipient.address) ?? '',
        kind: (d.content.card as { voice?: boolean } | undefined)?.voice ? 'voice' : 'sms',
        state: d.state,
        delivered: report?.delivered,
        reportCode: report?.code,
        lastError: d.lastError ?? undefined,
      };
    }),
  };
}
