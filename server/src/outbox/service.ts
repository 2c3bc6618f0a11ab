import { AppError, maskPhone, type ClaimedDelivery, type ParkedList, type OutboxResultRequest } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { ChatGroupModel } from '../people/chat-group.model';
import { UserModel } from '../people/user.model';
import { RewardModel } from '../rewards/reward.model';
import { ANONYMOUS_REPORTER } from '../tips/present';
import { TipModel } from '../tips/tip.model';
import { DeliveryModel, type DeliveryChannel, type DeliveryLean } from './delivery.model';
import { backoffMs } from './limits';

/**
 * Deliveries sent by another process (the Wechaty bot): it claims a few, sends them, and reports
 * each result. The claim is the same conditional update as the server's own workers, with the
 * same lease; a bot that dies mid-send leaves `sending` deliveries whose lease expires, and those
 * are parked as `outcome_unknown` (a room message cannot be taken back, nor checked).
 */
export async function claimForBot(
  services: AppServices,
  input: { channel: 'wechaty'; limit: number; worker: string },
): Promise<ClaimedDelivery[]> {
  const now = services.clock.now();
  const leaseUntil = new Date(now.getTime() + services.config.OUTBOX_LEASE_SECONDS * 1000);
  const due = await DeliveryModel.find({ channel: input.channel, state: 'pending', nextAttemptAt: { $lte: now } })
    .sort({ nextAttemptAt: 1 })
    .limit(input.limit)
    .select('_id')
    .lean();
  const out: ClaimedDelivery[] = [];
  for (const { _id } of due) {
    const d = await DeliveryModel.findOneAndUpdate(
      { _id, state: 'pending', nextAttemptAt: { $lte: now } },
      { $set: { state: 'sending', leaseOwner: input.worker, leaseUntil, claimedAt: now }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    )
      .lean<DeliveryLean>()
      .exec();
    if (!d) continue;
    out.push({
      id: String(d._id),
      channel: d.channel as 'wechaty',
      address: d.recipient.address,
      kind: d.recipient.group ? 'group' : 'direct',
      text: d.content?.text ?? d.content?.markdown ?? '',
      mentions: d.content?.mentions ?? [],
      exercise: d.exercise ?? false,
      attempts: d.attempts ?? 1,
      leaseUntil: leaseUntil.toISOString(),
      source: {
        kind: d.source.kind,
        ...(d.source.id ? { id: d.source.id } : {}),
        ...(d.source.step ? { step: d.source.step } : {}),
      },
    });
  }
  return out;
}

/**
 * The bot's report. Accepted while the delivery is being sent, and also after its lease expired
 * and it was parked as `outcome_unknown` (the late report settles the doubt).
 */
export async function recordBotResult(services: AppServices, id: string, input: OutboxResultRequest) {
  const now = services.clock.now();
  const d = await DeliveryModel.findById(id).lean<DeliveryLean>();
  if (!d || d.channel !== 'wechaty') throw new AppError('DELIVERY_NOT_FOUND');
  const open: Record<string, unknown> = {
    _id: d._id,
    $or: [{ state: 'sending' }, { state: 'parked', parkedReason: 'outcome_unknown' }],
  };
  let update: Record<string, unknown>;
  if (input.ok) {
    update = {
      $set: { state: 'sent', sentAt: now, result: input.result ?? {} },
      $unset: { leaseOwner: 1, leaseUntil: 1, lastError: 1, parkedReason: 1 },
    };
  } else if ((d.attempts ?? 0) >= services.config.OUTBOX_MAX_ATTEMPTS) {
    update = {
      $set: { state: 'parked', parkedReason: 'max_attempts', lastError: input.error ?? 'send failed' },
      $unset: { leaseOwner: 1, leaseUntil: 1 },
    };
  } else {
    update = {
      $set: {
        state: 'pending',
        nextAttemptAt: new Date(now.getTime() + backoffMs(d.attempts ?? 1, services.config.OUTBOX_RETRY_BASE_MS)),
        lastError: input.error ?? 'send failed',
      },
      $unset: { leaseOwner: 1, leaseUntil: 1, parkedReason: 1 },
    };
  }
  const after = await DeliveryModel.findOneAndUpdate(open, update, { returnDocument: 'after' })
    .lean<DeliveryLean>()
    .exec();
  if (!after) throw new AppError('DELIVERY_NOT_SENDING');
  return { id: String(after._id), state: after.state };
}

/** Bot deliveries whose lease ran out: parked as outcome unknown (see claimForBot). */
export async function reapBotLeases(services: AppServices, channel: DeliveryChannel = 'wechaty'): Promise<number> {
  const now = services.clock.now();
  const res = await DeliveryModel.updateMany(
    { channel, state: 'sending', leaseUntil: { $lt: now } },
    {
      $set: {
        state: 'parked',
        parkedReason: 'outcome_unknown',
        lastError: '机器人未报告发送结果（可能已中断），为避免重复发送已暂停，请核实后决定是否重发',
      },
      $unset: { leaseOwner: 1, leaseUntil: 1 },
    },
  ).exec();
  return res.modifiedCount;
}

/** Deliveries waiting for the office, newest first, in the caller's town. */
export async function listParked(
  caller: Caller,
  q: { channel?: DeliveryChannel; page: number; pageSize: number },
): Promise<ParkedList> {
  const filter: Record<string, unknown> = { town: caller.town, state: 'parked' };
  if (q.channel) filter.channel = q.channel;
  const [total, docs] = await Promise.all([
    DeliveryModel.countDocuments(filter),
    DeliveryModel.find(filter)
      .sort({ updatedAt: -1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean<DeliveryLean[]>(),
  ]);
  const userIds = docs.map((d) => d.recipient.user).filter(Boolean) as Types.ObjectId[];
  const groupIds = docs.map((d) => d.recipient.group).filter(Boolean) as Types.ObjectId[];
  const [users, groups] = await Promise.all([
    UserModel.find({ _id: { $in: userIds }, town: caller.town })
      .select('name')
      .lean(),
    ChatGroupModel.find({ _id: { $in: groupIds }, town: caller.town })
      .select('name')
      .lean(),
  ]);
  const names = new Map<string, string>([
    ...users.map((u) => [String(u._id), u.name] as [string, string]),
    ...groups.map((g) => [String(g._id), g.name] as [string, string]),
  ]);
  // A confidential reporter's name is never listed next to their tip: a delivery about a
  // confidential tip (or its reward) names 匿名举报人, as everywhere outside the audited reveal.
  const idsOf = (kind: string) =>
    docs.filter((d) => d.source.kind === kind && /^[0-9a-f]{24}$/i.test(d.source.id ?? '')).map((d) => d.source.id!);
  const rewardTips = await RewardModel.find({ _id: { $in: idsOf('reward') }, town: caller.town })
    .select('tip')
    .lean();
  const tipOfReward = new Map(rewardTips.map((r) => [String(r._id), String(r.tip)]));
  const confidential = new Set(
    (
      await TipModel.find({
        _id: { $in: [...idsOf('tip'), ...tipOfReward.values()] },
        town: caller.town,
        confidential: true,
      })
        .select('_id')
        .lean()
    ).map((t) => String(t._id)),
  );
  const aboutConfidentialTip = (d: DeliveryLean) => {
    const id = d.source.id ?? '';
    const tip = d.source.kind === 'tip' ? id : d.source.kind === 'reward' ? tipOfReward.get(id) : undefined;
    return tip !== undefined && confidential.has(tip);
  };
  return {
    total,
    items: docs.map((d) => {
      const c = d.content ?? {};
      const summary = (c.text ?? c.markdown ?? titleOf(c.card) ?? '').slice(0, 120);
      const key = d.recipient.user ? String(d.recipient.user) : d.recipient.group ? String(d.recipient.group) : '';
      return {
        id: String(d._id),
        channel: d.channel as DeliveryChannel,
        recipientName: aboutConfidentialTip(d) && d.recipient.user ? ANONYMOUS_REPORTER : names.get(key),
        recipientCount: d.recipient.users?.length || d.recipient.address.split('|').length,
        summary: maskPhones(summary),
        source: {
          kind: d.source.kind,
          ...(d.source.id ? { id: d.source.id } : {}),
          ...(d.source.step ? { step: d.source.step } : {}),
        },
        exercise: d.exercise ?? false,
        attempts: d.attempts ?? 0,
        reason: d.parkedReason ?? undefined,
        lastError: d.lastError ?? undefined,
        updatedAt: d.updatedAt?.toISOString() ?? '',
      };
    }),
  };
}

/** The office decides to send a parked delivery again (from its first attempt). */
export async function retryParked(services: AppServices, caller: Caller, id: string) {
  const d = await DeliveryModel.findOneAndUpdate(
    { _id: id, town: caller.town, state: 'parked' },
    {
      $set: { state: 'pending', attempts: 0, nextAttemptAt: services.clock.now() },
      $unset: { parkedReason: 1, uncertainSince: 1, leaseOwner: 1, leaseUntil: 1 },
    },
    { returnDocument: 'after' },
  )
    .lean<DeliveryLean>()
    .exec();
  if (!d) {
    if (await DeliveryModel.exists({ _id: id, town: caller.town })) throw new AppError('DELIVERY_NOT_PARKED');
    throw new AppError('DELIVERY_NOT_FOUND');
  }
  return { id: String(d._id), state: d.state };
}

function titleOf(card: unknown): string | undefined {
  const c = card as { main_title?: { title?: string }; template_id?: string } | undefined;
  return c?.main_title?.title ?? c?.template_id;
}

/** Phone numbers never leave in a summary. */
function maskPhones(s: string): string {
  return s.replace(/1[3-9]\d{9}/g, (m) => maskPhone(m) ?? m);
}
