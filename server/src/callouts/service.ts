import {
  AppError,
  isOffice,
  type CalloutAckResponse,
  type CalloutCreate,
  type CalloutDetail,
  type CalloutList,
  type CalloutOpenList,
  type CalloutPhoneList,
} from '@yingji/shared';
import { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { ChatGroupModel, GridModel, UserModel, VillageModel } from '../people/models';
import { loadTownConfig } from '../towns/config';
import {
  CalloutContactModel,
  CalloutModel,
  CalloutRecipientModel,
  VulnerableResidentModel,
  type Level,
  type RecipientLean,
} from './callout.model';
import {
  LAST_STEP,
  STEPS,
  batches,
  bucketCount,
  recipientState,
  recipientStep,
  stepDueAt,
  windowsFor,
  type StepName,
} from './ladder';
import { calloutCard, calloutIdFrom, taskId, text, type CalloutText } from './messages';

const RESPONSIBLE_ROLES = ['grid', 'cadre'] as ('grid' | 'cadre')[];

export interface CalloutLean {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  title: string;
  level: Level;
  body: string;
  event?: string;
  area: { villages: Types.ObjectId[]; grids: Types.ObjectId[] };
  exercise: boolean;
  status: 'preparing' | 'active' | 'closed';
  issuedAt: Date;
  expiresAt?: Date;
  ackMinutes: number;
  waitMinutes: number;
  step: number;
  nextStepAt?: Date | null;
  buckets: number;
  groups: Types.ObjectId[];
  summary: { total: number; acked: number };
  oneToOne: { total: number; contacted: number; transferred: number };
  stages: { atPost: number; transferDone: number; transferred: number };
  cap?: { sender?: string; identifier?: string; sent?: string };
}

interface UserPick {
  _id: Types.ObjectId;
  name: string;
  role: string;
  village?: Types.ObjectId;
  grids?: Types.ObjectId[];
  superior?: Types.ObjectId;
  wecomUserId?: string;
  wechatyContactIds?: string[];
}

const rid = (calloutId: unknown, userId: unknown) => `${String(calloutId)}:${String(userId)}`;
const oid = (s: string) => new Types.ObjectId(s);

// ---- creating -----------------------------------------------------------------------------

/** Villages and grids by id or code; unknown ones are refused (nothing is stored). */
async function resolveArea(town: Types.ObjectId, area: CalloutCreate['area']) {
  const villageRefs = area?.villages ?? [];
  const gridRefs = area?.grids ?? [];
  const whole = villageRefs.length === 0 && gridRefs.length === 0;
  const [villages, grids] = await Promise.all([
    VillageModel.find({ town }).select('code name').lean(),
    GridModel.find({ town }).select('code name village').lean(),
  ]);
  const pick = <T extends { _id: Types.ObjectId; code: string }>(all: T[], refs: string[]) =>
    refs.map((ref) => {
      const found = all.find((x) => String(x._id) === ref || x.code.toUpperCase() === ref.toUpperCase());
      if (!found) throw new AppError('CALLOUT_AREA_UNKNOWN', { details: { ref } });
      return found;
    });
  const chosenVillages = whole ? villages : pick(villages, villageRefs);
  const villageSet = new Set(chosenVillages.map((v) => String(v._id)));
  const chosenGrids = pick(grids, gridRefs);
  const gridSet = new Set(chosenGrids.map((g) => String(g._id)));
  for (const g of grids) if (villageSet.has(String(g.village))) gridSet.add(String(g._id));
  return {
    whole,
    villageIds: chosenVillages.map((v) => v._id),
    gridIds: chosenGrids.map((g) => g._id),
    villageSet,
    gridSet,
  };
}

/**
 * Issue a warning: resolve its area to chat groups and responsible persons (plus named recipients
 * and the persons responsible for vulnerable residents there), store one recipient document per
 * person, and enqueue step 0 (notify). Sending is left to the outbox workers.
 */
export async function createCallout(
  services: AppServices,
  caller: Caller,
  input: CalloutCreate,
  extra: { cap?: { sender: string; identifier: string; sent: string } } = {},
): Promise<{ id: string; recipients: number }> {
  const town = caller.town;
  const area = await resolveArea(town, input.area);
  const cfg = await loadTownConfig(town);
  const { ackMinutes, waitMinutes } = windowsFor(input.level, cfg, input.ackMinutes);

  const inArea = (u: UserPick) =>
    area.whole ||
    (u.grids ?? []).some((g) => area.gridSet.has(String(g))) ||
    (u.role === 'cadre' && !!u.village && area.villageSet.has(String(u.village)));

  const userFields = 'name role village grids superior wecomUserId wechatyContactIds active';
  const staff = (
    await UserModel.find({ town, active: true, role: { $in: RESPONSIBLE_ROLES } })
      .select(userFields)
      .lean<UserPick[]>()
  ).filter((u) => (input.recipients?.length && !input.area ? false : inArea(u)));

  const named = input.recipients?.length
    ? await UserModel.find({ _id: { $in: input.recipients.map(oid) }, town, active: true })
        .select(userFields)
        .lean<UserPick[]>()
    : [];
  if (named.length !== new Set(input.recipients ?? []).size) throw new AppError('CALLOUT_RECIPIENT_UNKNOWN');

  const residents = (await VulnerableResidentModel.find({ town, active: true }).lean()).filter(
    (r) =>
      area.whole ||
      (r.grid && area.gridSet.has(String(r.grid))) ||
      (r.village && area.villageSet.has(String(r.village))),
  );
  const responsibleIds = [...new Set(residents.map((r) => String(r.responsible)))];
  const responsible = responsibleIds.length
    ? await UserModel.find({ _id: { $in: responsibleIds.map(oid) }, town, active: true })
        .select(userFields)
        .lean<UserPick[]>()
    : [];

  const people = new Map<string, UserPick>();
  for (const u of [...staff, ...named, ...responsible]) people.set(String(u._id), u);
  if (people.size === 0) throw new AppError('CALLOUT_NO_RECIPIENTS');

  const allGroups = await ChatGroupModel.find({ town }).lean();
  const groups = allGroups.filter((g) =>
    area.whole
      ? true
      : g.grid
        ? area.gridSet.has(String(g.grid))
        : !!g.village && area.villageIds.some((v) => String(v) === String(g.village)),
  );

  const now = services.clock.now();
  const residentsOf = new Map<string, typeof residents>();
  for (const r of residents) {
    if (!people.has(String(r.responsible))) continue;
    const list = residentsOf.get(String(r.responsible)) ?? [];
    list.push(r);
    residentsOf.set(String(r.responsible), list);
  }
  const wecomCount = [...people.values()].filter((u) => u.wecomUserId).length;
  const callout = await CalloutModel.create({
    town,
    title: input.title,
    level: input.level,
    body: input.body ?? '',
    event: input.event,
    area: { villages: area.whole ? [] : area.villageIds, grids: area.gridIds },
    exercise: input.exercise ?? false,
    status: 'preparing',
    createdBy: caller._id,
    issuedAt: now,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
    ackMinutes,
    waitMinutes,
    step: -1,
    buckets: bucketCount(wecomCount),
    groups: groups.map((g) => g._id),
    summary: { total: people.size, acked: 0 },
    oneToOne: { total: [...residentsOf.values()].reduce((s, l) => s + l.length, 0), contacted: 0, transferred: 0 },
    cap: extra.cap,
  });

  // Groups by grid and by village, so each person's groups are looked up, not searched for.
  const groupsByGrid = new Map<string, Types.ObjectId[]>();
  const groupsByVillage = new Map<string, Types.ObjectId[]>();
  for (const g of groups) {
    const [index, key] = g.grid ? [groupsByGrid, String(g.grid)] : [groupsByVillage, String(g.village)];
    index.set(key, [...(index.get(key) ?? []), g._id]);
  }
  const docs = [...people.values()].map((u) => {
    const mine = residentsOf.get(String(u._id)) ?? [];
    const userGroups = [
      ...(u.grids ?? []).flatMap((x) => groupsByGrid.get(String(x)) ?? []),
      ...(groupsByVillage.get(String(u.village)) ?? []),
    ];
    const wechatyContactId = u.wechatyContactIds?.[0];
    return {
      _id: rid(callout._id, u._id),
      callout: callout._id,
      town,
      user: u._id,
      name: u.name,
      role: u.role,
      village: u.village ?? undefined,
      grids: u.grids ?? [],
      superior: u.superior ?? undefined,
      wecomUserId: u.wecomUserId ?? undefined,
      wechatyContactId,
      groups: userGroups,
      noChannel: !u.wecomUserId && !wechatyContactId,
      contactsTotal: mine.length,
      contactsPending: mine.length,
    };
  });
  await CalloutRecipientModel.insertMany(docs, { ordered: false });
  const contacts = [...residentsOf.entries()].flatMap(([userId, list]) =>
    list.map((r) => ({
      _id: rid(callout._id, r._id),
      callout: callout._id,
      town,
      resident: r._id,
      residentName: r.name,
      kind: r.kind,
      responsible: oid(userId),
    })),
  );
  if (contacts.length) await CalloutContactModel.insertMany(contacts, { ordered: false });

  await CalloutModel.updateOne({ _id: callout._id }, { $set: { status: 'active', nextStepAt: now } }).exec();
  await runDueSteps(services, String(callout._id));
  return { id: String(callout._id), recipients: people.size };
}

// ---- the ladder -----------------------------------------------------------------------------

/** The escalation job: every active call-out whose next step is due. */
export async function runLadder(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const due = await CalloutModel.find({ status: 'active', nextStepAt: { $lte: now } })
    .select('_id')
    .limit(100)
    .lean();
  let steps = 0;
  for (const c of due) {
    try {
      steps += await runDueSteps(services, String(c._id));
    } catch (err) {
      services.log.error({ err, callout: String(c._id) }, 'callout ladder step failed');
    }
  }
  return steps;
}

/** Carry out every ladder step of one call-out that is due now, in order. */
export async function runDueSteps(services: AppServices, calloutId: string): Promise<number> {
  let done = 0;
  for (;;) {
    const c = await CalloutModel.findById(calloutId).lean<CalloutLean>();
    if (!c || c.status !== 'active') return done;
    const next = c.step + 1;
    if (next > LAST_STEP) return done;
    const now = services.clock.now();
    if (stepDueAt(c.issuedAt, next, c.ackMinutes, c.waitMinutes) > now) return done;
    await carryOutStep(services, c, next);
    // Only one instance moves the step on (the enqueue above is idempotent by key).
    const moved = await CalloutModel.updateOne(
      { _id: c._id, step: c.step },
      {
        $set: {
          step: next,
          nextStepAt: next < LAST_STEP ? stepDueAt(c.issuedAt, next + 1, c.ackMinutes, c.waitMinutes) : null,
        },
      },
    ).exec();
    if (moved.modifiedCount) done++;
  }
}

const needsAck = (r: RecipientLean) => !r.acked;
const needsContacts = (r: RecipientLean) => r.contactsPending > 0;
const owes = (r: RecipientLean) => needsAck(r) || needsContacts(r);

/** Build and enqueue the messages of one ladder step. Idempotency keys make a repeat harmless. */
async function carryOutStep(services: AppServices, c: CalloutLean, step: number): Promise<void> {
  const name = STEPS[step]!;
  const id = String(c._id);
  const t: CalloutText = { id, title: c.title, level: c.level, body: c.body };
  const recips = (await CalloutRecipientModel.find(
    step === 0 ? { callout: c._id } : { callout: c._id, open: true },
  ).lean()) as unknown as RecipientLean[];
  const base = { town: c.town, exercise: c.exercise, source: { kind: 'callout', id, step: name } };
  const msgs: OutboundMessage[] = [];

  const direct = (
    people: RecipientLean[],
    how: 'card' | 'reminder_card' | 'text',
    body: string,
    allChannels: boolean,
  ) => {
    const wecom = people.filter((r) => r.wecomUserId);
    const byAddress = new Map(wecom.map((r) => [r.wecomUserId!, r.user]));
    for (const [batch, addresses] of batches(
      wecom.map((r) => ({ key: String(r.user), address: r.wecomUserId! })),
      c.buckets,
    )) {
      msgs.push({
        ...base,
        channel: 'wecom_app',
        recipient: { address: addresses.join('|'), users: addresses.map((a) => byAddress.get(a)!) },
        content:
          how === 'text'
            ? { kind: 'text', text: body }
            : {
                kind: 'template_card',
                card: calloutCard(t, taskId(id, name, batch), how === 'reminder_card'),
                text: body,
              },
        idempotencyKey: `co:${id}:${name}:wecom:${batch}`,
      });
    }
    for (const r of people) {
      if (!r.wechatyContactId || (r.wecomUserId && !allChannels)) continue;
      msgs.push({
        ...base,
        channel: 'wechaty',
        recipient: { user: r.user, address: r.wechatyContactId },
        content: { kind: 'text', text: body },
        idempotencyKey: `co:${id}:${name}:wechaty:${String(r.user)}`,
      });
    }
  };
  const contactsFor = async (people: RecipientLean[]) => {
    if (people.length === 0) return;
    const pending = await CalloutContactModel.find({ callout: c._id, state: 'pending' }).lean();
    for (const r of people) {
      const names = pending.filter((p) => String(p.responsible) === String(r.user)).map((p) => p.residentName);
      if (names.length === 0) continue;
      const body = text.contacts(t, names);
      const channel = r.wecomUserId ? 'wecom_app' : r.wechatyContactId ? 'wechaty' : undefined;
      if (!channel) continue;
      msgs.push({
        ...base,
        channel,
        recipient: { user: r.user, address: (r.wecomUserId ?? r.wechatyContactId)! },
        content: { kind: 'text', text: body },
        idempotencyKey: `co:${id}:${name}:contacts:${String(r.user)}`,
      });
    }
  };

  switch (name) {
    case 'notify': {
      direct(recips, 'card', text.notify(t), false);
      await contactsFor(recips.filter(needsContacts));
      const groups = await ChatGroupModel.find({ _id: { $in: c.groups } }).lean();
      for (const g of groups) {
        msgs.push({
          ...base,
          channel: g.channel,
          recipient: { group: g._id, address: g.externalId },
          content: { kind: 'text', text: text.notify(t) },
          idempotencyKey: `co:${id}:${name}:group:${String(g._id)}`,
        });
      }
      break;
    }
    case 'remind':
      direct(recips.filter(needsAck), 'reminder_card', text.remind(t), false);
      await contactsFor(recips.filter((r) => !needsAck(r) && needsContacts(r)));
      break;
    case 'mention': {
      const groups = await ChatGroupModel.find({ _id: { $in: c.groups } }).lean();
      for (const g of groups) {
        const members = recips.filter((r) => owes(r) && r.groups.some((x) => String(x) === String(g._id)));
        if (members.length === 0) continue;
        const content =
          g.channel === 'wechaty'
            ? {
                kind: 'text' as const,
                text: text.mentionById(t),
                mentions: members.map((m) => m.wechatyContactId).filter(Boolean) as string[],
              }
            : g.channel === 'wecom_robot'
              ? {
                  kind: 'text' as const,
                  text: text.mentionById(t),
                  mentions: members.map((m) => m.wecomUserId).filter(Boolean) as string[],
                }
              : {
                  kind: 'text' as const,
                  text: text.mention(
                    t,
                    members.map((m) => m.name),
                  ),
                };
        msgs.push({
          ...base,
          channel: g.channel,
          recipient: { group: g._id, address: g.externalId },
          content,
          idempotencyKey: `co:${id}:${name}:group:${String(g._id)}`,
        });
      }
      break;
    }
    case 'direct':
      direct(recips.filter(needsAck), 'text', text.direct(t), true);
      await contactsFor(recips.filter((r) => !needsAck(r) && needsContacts(r)));
      break;
    case 'superior': {
      const bySuperior = new Map<string, string[]>();
      for (const r of recips.filter(owes)) {
        if (!r.superior) continue;
        const list = bySuperior.get(String(r.superior)) ?? [];
        list.push(r.name);
        bySuperior.set(String(r.superior), list);
      }
      const superiors = await UserModel.find({ _id: { $in: [...bySuperior.keys()].map(oid) }, active: true })
        .select('wecomUserId wechatyContactIds')
        .lean();
      for (const s of superiors)
        pushPersonal(
          msgs,
          base,
          s,
          text.superior(t, bySuperior.get(String(s._id))!),
          `co:${id}:superior:${String(s._id)}`,
        );
      break;
    }
    case 'phone': {
      const left = recips.filter(owes).length;
      if (left === 0) break;
      const office = await UserModel.find({ town: c.town, role: 'office', active: true })
        .select('wecomUserId wechatyContactIds')
        .lean();
      for (const o of office)
        pushPersonal(msgs, base, o, text.phoneOffice(t, left), `co:${id}:phone:office:${String(o._id)}`);
      break;
    }
  }
  await enqueue(services.clock, msgs);

  // Lazily close recipients who owe nothing any more (an answer raced with a contact confirmation).
  if (step > 0) {
    const done = recips.filter((r) => !owes(r)).map((r) => r._id);
    if (done.length)
      await CalloutRecipientModel.updateMany(
        { _id: { $in: done }, acked: true, contactsPending: 0 },
        { $set: { open: false } },
      ).exec();
  }
}

function pushPersonal(
  msgs: OutboundMessage[],
  base: Pick<OutboundMessage, 'town' | 'exercise' | 'source'>,
  u: { _id: Types.ObjectId; wecomUserId?: string | null; wechatyContactIds?: string[] | null },
  body: string,
  key: string,
) {
  if (u.wecomUserId)
    msgs.push({
      ...base,
      channel: 'wecom_app',
      recipient: { user: u._id, address: u.wecomUserId },
      content: { kind: 'text', text: body },
      idempotencyKey: key,
    });
  else if (u.wechatyContactIds?.[0])
    msgs.push({
      ...base,
      channel: 'wechaty',
      recipient: { user: u._id, address: u.wechatyContactIds[0] },
      content: { kind: 'text', text: body },
      idempotencyKey: key,
    });
}

// ---- answers ----------------------------------------------------------------------------------

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
}

/**
 * Record that a recipient answered. Counted once: the recipient document changes only from
 * "not acknowledged" (a conditional update), and the call-out's counter is incremented only when
 * it did. The first answer's time and channel are kept; later ones (any channel) change nothing.
 */
export async function acknowledge(services: AppServices, input: AcknowledgeInput): Promise<CalloutAckResponse> {
  const at = input.at ?? services.clock.now();
  if (!Types.ObjectId.isValid(input.userId)) throw new AppError('USER_NOT_FOUND');
  const user = await UserModel.findById(input.userId).select('town name wecomUserId').lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  const calloutId =
    input.calloutId ?? calloutIdFrom(input.taskId) ?? (await latestOpenFor(user.town, input.userId))?.id;
  if (!calloutId) throw new AppError('CALLOUT_NONE_OPEN');
  if (!Types.ObjectId.isValid(calloutId)) throw new AppError('CALLOUT_NOT_FOUND');
  const c = await CalloutModel.findOne({ _id: calloutId, town: user.town }).lean<CalloutLean>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const id = rid(c._id, input.userId);
  const set = { acked: true, ackAt: at, ackChannel: input.channel, ackStep: Math.max(0, c.step) };
  // Most recipients owe no one-to-one contacts: answer and close in one write.
  let before = await CalloutRecipientModel.findOneAndUpdate(
    { _id: id, acked: false, contactsPending: 0 },
    { $set: { ...set, open: false } },
    { returnDocument: 'before' },
  )
    .lean()
    .exec();
  before ??= await CalloutRecipientModel.findOneAndUpdate(
    { _id: id, acked: false },
    { $set: set },
    { returnDocument: 'before' },
  )
    .lean()
    .exec();
  let ackAt: Date;
  if (before) {
    await CalloutModel.updateOne({ _id: c._id }, { $inc: { 'summary.acked': 1 } }).exec();
    ackAt = at;
  } else {
    const r = await CalloutRecipientModel.findById(id).select('ackAt').lean();
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
    alreadyAcked: !before,
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
  const c = await CalloutModel.findOne({ _id: id, town: caller.town }).lean<CalloutLean>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const filter: Record<string, unknown> = { callout: c._id };
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
    (await CalloutRecipientModel.find({ callout: c._id, open: true }).lean()) as unknown as RecipientLean[]
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
