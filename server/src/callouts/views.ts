/** What people see of call-outs: their own open ones, the office's list and board, the phone list. */
import {
  AppError,
  isOffice,
  type CalloutDetail,
  type CalloutList,
  type CalloutOpenList,
  type CalloutPhoneList,
} from '@yingji/shared';
import type { Caller } from '../core/context';
import { GridModel, UserModel, VillageModel } from '../people/models';
import { acksCounted } from './ack-tally';
import { CalloutModel, CalloutRecipientModel, recipientsOf, type RecipientLean } from './callout.model';
import { LAST_STEP, STEPS, recipientState, recipientStep, stepDueAt, type StepName } from './ladder';
import { type CalloutLean, needsAck, needsContacts, owes, rid } from './common';

export async function openCallouts(caller: Caller): Promise<CalloutOpenList> {
  const active = await CalloutModel.find({ town: caller.town, status: 'active' })
    .sort({ issuedAt: -1 })
    .limit(50)
    .lean<CalloutLean[]>();
  const mine = await Promise.all(
    active.map((c) => CalloutRecipientModel.findById(rid(c._id, caller.id)).lean<RecipientLean>()),
  );
  const items: CalloutOpenList['items'] = [];
  active.forEach((c, i) => {
    const r = mine[i];
    if (!r || !owes(r)) return;
    items.push({
      id: String(c._id),
      title: c.title,
      level: c.level,
      body: c.body,
      issuedAt: c.issuedAt.toISOString(),
      ackDeadline: stepDueAt(c.issuedAt, 1, c.ackMinutes, c.waitMinutes).toISOString(),
      acked: r.acked,
      ...(r.ackAt ? { ackAt: r.ackAt.toISOString() } : {}),
      contactsPending: r.contactsPending,
    });
  });
  return { items };
}

// ---- the office's view ---------------------------------------------------------------------------

export function summaryOf(c: CalloutLean) {
  const open = c.summary.total - c.summary.acked;
  return {
    total: c.summary.total,
    acked: c.summary.acked,
    pending: c.step >= 1 ? 0 : open,
    escalated: c.step >= 1 ? open : 0,
  };
}

export async function getCallout(
  caller: Caller,
  id: string,
  q: { state?: 'pending' | 'acked' | 'escalated'; page: number; pageSize: number },
): Promise<CalloutDetail> {
  // This process's answers are in the summary first (each is counted just after it was answered).
  await acksCounted(id);
  const c = await CalloutModel.findOne({ _id: id, town: caller.town }).lean<CalloutLean>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const filter: Record<string, unknown> = recipientsOf(c._id);
  if (!isOffice(caller.role)) {
    // Staff see the call-out and their own line, not everyone's.
    filter._id = rid(c._id, caller.id);
    if (!(await CalloutRecipientModel.exists(filter))) throw new AppError('CALLOUT_NOT_RECIPIENT');
  }
  let none = false;
  if (q.state === 'acked') filter.acked = true;
  else if (q.state) {
    filter.acked = false;
    none = (q.state === 'pending') !== c.step < 1;
  }
  const [recipientsTotal, recips] = none
    ? [0, []]
    : await Promise.all([
        CalloutRecipientModel.countDocuments(filter),
        CalloutRecipientModel.find(filter)
          .sort({ name: 1 })
          .skip((q.page - 1) * q.pageSize)
          .limit(q.pageSize)
          .lean<RecipientLean[]>(),
      ]);
  return {
    id: String(c._id),
    title: c.title,
    level: c.level,
    body: c.body,
    ...(c.event ? { event: c.event } : {}),
    exercise: c.exercise,
    status: c.status,
    issuedAt: c.issuedAt.toISOString(),
    ackDeadline: stepDueAt(c.issuedAt, 1, c.ackMinutes, c.waitMinutes).toISOString(),
    ...(c.step >= 0 ? { step: STEPS[c.step] as StepName } : {}),
    ...(c.nextStepAt ? { nextStepAt: c.nextStepAt.toISOString() } : {}),
    summary: summaryOf(c),
    oneToOne: c.oneToOne,
    stages: c.stages,
    recipientsTotal,
    recipients: recips.map((r) => ({
      userId: String(r.user),
      name: r.name,
      state: recipientState(r, c.step),
      ...(r.ackAt ? { ackAt: r.ackAt.toISOString() } : {}),
      ...(r.ackChannel ? { channel: r.ackChannel } : {}),
      step: recipientStep(r, c.step),
      ...(r.contactsTotal ? { contactsPending: r.contactsPending } : {}),
      ...(r.stages?.atPostAt ? { atPostAt: r.stages.atPostAt.toISOString() } : {}),
      ...(r.stages?.transferDoneAt ? { transferDoneAt: r.stages.transferDoneAt.toISOString() } : {}),
      ...(r.stages?.transferCount !== undefined && r.stages?.transferCount !== null
        ? { transferCount: r.stages.transferCount }
        : {}),
    })),
  };
}

export async function listCallouts(
  caller: Caller,
  q: { exercise: boolean; status?: 'preparing' | 'active' | 'closed'; page: number; pageSize: number },
): Promise<CalloutList> {
  const filter: Record<string, unknown> = { town: caller.town, exercise: q.exercise };
  if (q.status) filter.status = q.status;
  await acksCounted();
  const [total, docs] = await Promise.all([
    CalloutModel.countDocuments(filter),
    CalloutModel.find(filter)
      .sort({ issuedAt: -1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean<CalloutLean[]>(),
  ]);
  return {
    total,
    exercise: q.exercise,
    items: docs.map((c) => ({
      id: String(c._id),
      title: c.title,
      level: c.level,
      exercise: c.exercise,
      status: c.status,
      issuedAt: c.issuedAt.toISOString(),
      summary: summaryOf(c),
    })),
  };
}

export async function closeCallout(caller: Caller, id: string) {
  const c = await CalloutModel.findOneAndUpdate(
    { _id: id, town: caller.town, status: { $ne: 'closed' } },
    { $set: { status: 'closed', nextStepAt: null } },
    { returnDocument: 'after' },
  )
    .lean()
    .exec();
  if (!c) {
    if (await CalloutModel.exists({ _id: id, town: caller.town })) throw new AppError('CALLOUT_CLOSED');
    throw new AppError('CALLOUT_NOT_FOUND');
  }
  return { id: String(c._id), status: c.status };
}

/**
 * The phone list: who still owes an answer (or one-to-one contacts) once the ladder reached its
 * last step, plus anyone no channel reaches; `all` lists everyone not yet answered, now.
 */
export async function phoneList(caller: Caller, id: string, all: boolean): Promise<CalloutPhoneList> {
  const c = await CalloutModel.findOne({ _id: id, town: caller.town }).lean<CalloutLean>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const recips = (
    (await CalloutRecipientModel.find({ ...recipientsOf(c._id), open: true }).lean()) as unknown as RecipientLean[]
  )
    .filter(owes)
    .filter((r) => all || c.step >= LAST_STEP || r.noChannel);
  const [users, villages, grids] = await Promise.all([
    UserModel.find({ _id: { $in: recips.map((r) => r.user) }, town: caller.town })
      .select('phone')
      .lean(),
    VillageModel.find({ town: caller.town }).select('name').lean(),
    GridModel.find({ town: caller.town }).select('name').lean(),
  ]);
  const phone = new Map(users.map((u) => [String(u._id), u.phone ?? undefined]));
  const vName = new Map(villages.map((v) => [String(v._id), v.name]));
  const gName = new Map(grids.map((g) => [String(g._id), g.name]));
  return {
    items: recips
      .sort((a, b) => a.name.localeCompare(b.name, 'zh'))
      .map((r) => ({
        name: r.name,
        phone: phone.get(String(r.user)),
        village: r.village ? vName.get(String(r.village)) : undefined,
        grids: r.grids.map((g) => gName.get(String(g)) ?? ''),
        missing: [
          ...(needsAck(r) ? [`未确认收到预警《${c.title}》`] : []),
          ...(needsContacts(r) ? [`未确认联系 ${r.contactsPending} 位特殊群体`] : []),
        ].join('；'),
      })),
  };
}
