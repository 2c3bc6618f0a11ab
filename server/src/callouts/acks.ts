/** Answers: 收到 by any channel, counted once; stages (到岗, 转移完成). */
import { AppError, type CalloutAckResponse } from '@yingji/shared';
import { type mongo, Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { enqueue } from '../outbox/enqueue';
import { UserModel } from '../people/models';
import { CalloutModel, CalloutRecipientModel, type RecipientLean } from './callout.model';
import { calloutHead, countAcks, recipientWritten } from './ack-tally';
import { calloutIdFrom, text } from './messages';
import { type CalloutLean, rid } from './common';

export interface AcknowledgeInput {
  /** The call-out; or a WeCom card's task id / button key naming it; or neither: the latest open one. */
  calloutId?: string;
  taskId?: string;
  userId: string;
  /** How the answer came: chat_wechaty, chat_wecom, wecom_card, miniprogram, web, stage … */
  channel: string;
  at?: Date;
  /** A WeCom card click's one-shot code: the card is then updated to show who confirmed. */
  responseCode?: string;
  /** Who is answering, when the caller already knows (a logged-in request, a resolved chat sender): saves a lookup. */
  known?: { town: Types.ObjectId; name?: string; wecomUserId?: string };
}

/**
 * Record that a recipient answered. Counted once: the recipient document changes only from
 * "not acknowledged" (a conditional update), and the call-out's counter is incremented only when
 * it did. The first answer's time and channel are kept; later ones (any channel) change nothing.
 */
export async function acknowledge(services: AppServices, input: AcknowledgeInput): Promise<CalloutAckResponse> {
  const at = input.at ?? services.clock.now();
  if (!Types.ObjectId.isValid(input.userId)) throw new AppError('USER_NOT_FOUND');
  // One round trip fewer on the hottest route of a 临灾叫应 when the caller already knows who it is.
  const user = input.known
    ? { _id: new Types.ObjectId(input.userId), name: '', ...input.known }
    : await UserModel.findById(input.userId).select('town name wecomUserId').lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  const calloutId =
    input.calloutId ?? calloutIdFrom(input.taskId) ?? (await latestOpenFor(user.town, input.userId))?.id;
  if (!calloutId) throw new AppError('CALLOUT_NONE_OPEN');
  if (!Types.ObjectId.isValid(calloutId)) throw new AppError('CALLOUT_NOT_FOUND');
  const c = await calloutHead(calloutId, user.town);
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const id = rid(c._id, input.userId);
  // Most recipients owe no one-to-one contacts: answer and close in one write. An update, not a
  // findOneAndUpdate: only whether it changed the document matters, and it costs the engine less.
  // Through the driver: the values are of their stored types already, nothing to cast.
  const recipients = CalloutRecipientModel.collection as unknown as mongo.Collection<{ _id: string }>;
  // updatedAt by the wall clock, as Mongoose's timestamps: the recount reads it (recount.ts).
  const set = {
    acked: true,
    ackAt: at,
    ackChannel: input.channel,
    ackStep: Math.max(0, c.step),
    updatedAt: new Date(),
  };
  let answered = await recipients.updateOne(
    { _id: id, acked: false, contactsPending: 0 },
    { $set: { ...set, open: false } },
  );
  if (!answered.modifiedCount) answered = await recipients.updateOne({ _id: id, acked: false }, { $set: set });
  const first = answered.modifiedCount > 0;
  let ackAt: Date;
  if (first) {
    countAcks(services.log, c._id);
    ackAt = at;
  } else {
    const r = await CalloutRecipientModel.findById(id).select('ackAt').lean();
    if (!r && c.status === 'preparing' && (await recipientWritten(c._id, id))) return acknowledge(services, input);
    if (!r) throw new AppError('CALLOUT_NOT_RECIPIENT');
    ackAt = r.ackAt ?? at;
  }
  if (input.channel === 'wecom_card' && input.responseCode && user.wecomUserId) {
    const hhmm = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
    await enqueue(services.clock, [
      {
        town: c.town,
        channel: 'wecom_app',
        recipient: { user: user._id, address: user.wecomUserId },
        content: {
          kind: 'card_update',
          card: { responseCode: input.responseCode, replaceName: text.cardConfirmed(user.name, hhmm) },
        },
        source: { kind: 'callout', id: String(c._id), step: 'card_update' },
        exercise: c.exercise,
        idempotencyKey: `co:${String(c._id)}:card:${input.userId}:${input.responseCode}`,
      },
    ]);
  }
  return {
    callout: { id: String(c._id), title: c.title, level: c.level },
    ackAt: ackAt.toISOString(),
    alreadyAcked: !first,
  };
}

/** The caller's most recent active call-out they have not answered. */
async function latestOpenFor(town: Types.ObjectId, userId: string) {
  const active = await CalloutModel.find({ town, status: 'active' })
    .sort({ issuedAt: -1 })
    .limit(20)
    .select('_id title level')
    .lean();
  for (const c of active) {
    const r = await CalloutRecipientModel.findById(rid(c._id, userId)).select('acked').lean();
    if (r && !r.acked) return { id: String(c._id) };
  }
  return undefined;
}

export async function ackLatest(services: AppServices, caller: Caller, channel?: string) {
  const latest = await latestOpenFor(caller.town, caller.id);
  if (!latest) throw new AppError('CALLOUT_NONE_OPEN');
  return acknowledge(services, { calloutId: latest.id, userId: caller.id, channel: channel ?? 'chat' });
}

/** Optional stages: at post (到岗) and transfer done (转移完成, with a count). Reporting one also answers. */
export async function reportStage(
  services: AppServices,
  caller: Caller,
  calloutId: string,
  input: { stage: 'at_post' | 'transfer_done'; count?: number },
) {
  const c = await CalloutModel.findOne({ _id: calloutId, town: caller.town }).lean<CalloutLean>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const id = rid(c._id, caller.id);
  if (!(await CalloutRecipientModel.exists({ _id: id }))) throw new AppError('CALLOUT_NOT_RECIPIENT');
  if (input.stage === 'transfer_done' && input.count === undefined) throw new AppError('CALLOUT_STAGE_COUNT_REQUIRED');
  const now = services.clock.now();
  await acknowledge(services, { calloutId, userId: caller.id, channel: `stage_${input.stage}`, at: now });
  if (input.stage === 'at_post') {
    const before = await CalloutRecipientModel.findOneAndUpdate(
      { _id: id, 'stages.atPostAt': null },
      { $set: { 'stages.atPostAt': now } },
      { returnDocument: 'before' },
    )
      .lean()
      .exec();
    if (before) await CalloutModel.updateOne({ _id: c._id }, { $inc: { 'stages.atPost': 1 } }).exec();
    const r = await CalloutRecipientModel.findById(id).lean<RecipientLean>();
    return { stage: input.stage, at: r!.stages!.atPostAt!.toISOString(), alreadyReported: !before };
  }
  const count = input.count!;
  const first = await CalloutRecipientModel.findOneAndUpdate(
    { _id: id, 'stages.transferDoneAt': null },
    { $set: { 'stages.transferDoneAt': now, 'stages.transferCount': count } },
    { returnDocument: 'before' },
  )
    .lean()
    .exec();
  if (first) {
    await CalloutModel.updateOne(
      { _id: c._id },
      { $inc: { 'stages.transferDone': 1, 'stages.transferred': count } },
    ).exec();
    return { stage: input.stage, at: now.toISOString(), count, alreadyReported: false };
  }
  // Reported again with another count: the first time stays, the total follows the new count.
  const r = await CalloutRecipientModel.findById(id).lean<RecipientLean>();
  const old = r!.stages?.transferCount ?? 0;
  if (old !== count) {
    const changed = await CalloutRecipientModel.updateOne(
      { _id: id, 'stages.transferCount': old },
      { $set: { 'stages.transferCount': count } },
    ).exec();
    if (changed.modifiedCount)
      await CalloutModel.updateOne({ _id: c._id }, { $inc: { 'stages.transferred': count - old } }).exec();
  }
  return { stage: input.stage, at: r!.stages!.transferDoneAt!.toISOString(), count, alreadyReported: true };
}

/** The caller's active call-outs that still need something from them (the mini-program's 待确认). */
