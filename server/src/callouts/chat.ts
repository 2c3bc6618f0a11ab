import { AppError, type CalloutAckResponse, type ChatStageResult } from '@yingji/shared';
import { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { TransferModel } from '../shelters/model';
import { CalloutModel, CalloutRecipientModel, type RecipientLean } from './callout.model';
import { acknowledge, reportStage, type CalloutLean } from './service';

/**
 * Which call-out a chat line means. In a group it is one announced in that group (its deliveries
 * went there: the group is in `callout.groups`), never one from elsewhere; one-to-one it is the
 * sender's latest. Either way the sender must be one of its recipients.
 */
export interface ChatPlace {
  /** The chat group's id (from the chat session), when the line was written in a known group. */
  groupId?: string;
  inGroup: boolean;
}

interface Mine {
  callout: CalloutLean;
  line: RecipientLean;
}

const rid = (calloutId: unknown, userId: string) => `${String(calloutId)}:${userId}`;

/** The sender's active call-outs for this place, newest first, each with the sender's own line. */
async function mineActive(caller: Caller, place: ChatPlace, extra: Record<string, unknown> = {}): Promise<Mine[]> {
  // A group the town has not registered received no call-out, so nothing there can be answered.
  if (place.inGroup && !place.groupId) return [];
  const filter: Record<string, unknown> = { town: caller.town, status: 'active', ...extra };
  if (place.groupId) {
    if (!Types.ObjectId.isValid(place.groupId)) return [];
    filter.groups = new Types.ObjectId(place.groupId);
  }
  const active = await CalloutModel.find(filter).sort({ issuedAt: -1 }).limit(20).lean<CalloutLean[]>();
  if (active.length === 0) return [];
  const lines = await CalloutRecipientModel.find({ _id: { $in: active.map((c) => rid(c._id, caller.id)) } }).lean<
    RecipientLean[]
  >();
  const byId = new Map(lines.map((l) => [l._id, l]));
  return active.flatMap((c) => {
    const line = byId.get(rid(c._id, caller.id));
    return line ? [{ callout: c, line }] : [];
  });
}

/**
 * 收到 in a chat: the newest call-out of this place the sender has not answered, else the newest
 * one they have (so a second 收到 hears when they confirmed, instead of nothing).
 */
export async function ackFromChat(
  services: AppServices,
  caller: Caller,
  place: ChatPlace & { channel: string },
): Promise<CalloutAckResponse> {
  const mine = await mineActive(caller, place);
  const target = mine.find((m) => !m.line.acked) ?? mine[0];
  if (!target) throw new AppError('CALLOUT_NONE_OPEN');
  return acknowledge(services, { calloutId: String(target.callout._id), userId: caller.id, channel: place.channel });
}

/** People the sender reported moved (已转移 N 人) since the call-out was issued. */
async function movedSince(caller: Caller, since: Date): Promise<number> {
  const reports = await TransferModel.find({
    town: caller.town,
    reportedAt: { $gte: since },
    reportedBy: caller._id,
    active: true,
  })
    .select('count')
    .lean();
  return reports.reduce((sum, r) => sum + (r.count ?? 0), 0);
}

/**
 * 已到岗 / 转移完成 in a chat, through the mini-program's own `reportStage`: against the newest
 * call-out of this place where the sender has not reported that stage yet (else the newest, which
 * then answers "already reported"). 转移完成 without a number counts the people the sender
 * reported moved during this call-out; a repeat without a number keeps the first count.
 */
export async function stageFromChat(
  services: AppServices,
  caller: Caller,
  input: ChatPlace & { stage: 'at_post' | 'transfer_done'; count?: number },
): Promise<ChatStageResult> {
  const mine = await mineActive(caller, input);
  const reported = (m: Mine) =>
    input.stage === 'at_post' ? Boolean(m.line.stages?.atPostAt) : Boolean(m.line.stages?.transferDoneAt);
  const target = mine.find((m) => !reported(m)) ?? mine[0];
  if (!target) throw new AppError('CALLOUT_NONE_OPEN');
  const c = target.callout;
  let count = input.count;
  if (input.stage === 'transfer_done' && count === undefined)
    count = target.line.stages?.transferCount ?? (await movedSince(caller, c.issuedAt));
  const r = await reportStage(services, caller, String(c._id), { stage: input.stage, count });
  return { callout: { id: String(c._id), title: c.title, level: c.level }, ...r };
}

/**
 * Is a warning in force for this person: an active, unexpired call-out of their town that called
 * them (they are one of its recipients)? Exercises count: a drill's evacuation is reported too.
 */
export async function warningInForceFor(services: AppServices, caller: Caller): Promise<boolean> {
  const now = services.clock.now();
  const mine = await mineActive(
    caller,
    { inGroup: false },
    { $or: [{ expiresAt: { $exists: false } }, { expiresAt: null }, { expiresAt: { $gt: now } }] },
  );
  return mine.length > 0;
}
