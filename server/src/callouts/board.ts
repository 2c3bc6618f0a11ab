import {
  AppError,
  BOARD_STATES,
  type BoardDeliveries,
  type BoardReason,
  type BoardState,
  type PersonDelivery,
} from '@yingji/shared';
import type { Caller } from '../core/context';
import { DrillCheckinModel, DrillModel } from '../drills/model';
import { DeliveryModel, type DeliveryLean } from '../outbox/delivery.model';
import { ChatGroupModel, UserModel } from '../people/models';
import { CalloutModel, CalloutRecipientModel, recipientsOf, type RecipientLean } from './callout.model';
import { STEPS } from './ladder';

/**
 * The boards' per-person delivery state: what the outbox really did for each person (sent, failed
 * and why, parked, waiting), not the escalation step the ladder reached. Deliveries are read by
 * `source.kind/source.id` and matched to a person by user id, batch members, channel address, or
 * a group chat they are in.
 */

/** One delivery as the pure rule sees it. */
export interface BoardDelivery {
  id: string;
  channel: string;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'parked';
  idempotencyKey: string;
  attempts: number;
  parkedReason?: string;
  lastError?: string;
  sentAt?: Date;
  /** Reached the person through a group chat, not personally. */
  viaGroup?: boolean;
}

export interface PersonFacts {
  /** Answered: when, how, and at which stage. */
  confirmed?: { at: Date; channel?: string; stage?: string };
  /** Has at least one way to be reached (a personal channel or a group). */
  hasChannel: boolean;
  /** The first messages have been put in the outbox (the call-out or drill has started). */
  started: boolean;
}

export type DeliveryStateOut = Omit<PersonDelivery, 'userId' | 'name'>;

/** Chinese is kept; developer text (URLs, English error codes) is not shown to the office. */
const chinese = (s: string | undefined) => (s && /[\u4e00-\u9fa5]/.test(s) ? s : undefined);

/** Personal messages before group messages; the latest first. */
function pick(ds: BoardDelivery[]): BoardDelivery | undefined {
  return [...ds].sort((a, b) => Number(!!a.viaGroup) - Number(!!b.viaGroup))[0];
}

/**
 * The state of one person from the deliveries that concern them (pure; tested as a table).
 * Any message that reached them counts as sent; then one still on its way; then failures.
 */
export function deliveryState(facts: PersonFacts, deliveries: BoardDelivery[]): DeliveryStateOut {
  if (facts.confirmed) {
    const c = facts.confirmed;
    return {
      state: 'confirmed',
      at: c.at.toISOString(),
      ...(c.channel ? { channel: c.channel } : {}),
      ...(c.stage ? { stage: c.stage } : {}),
    };
  }
  // A batch member WeCom refused has a `<key>~invalid` delivery of their own: it overrides the batch.
  const overridden = new Set(
    deliveries.filter((d) => d.idempotencyKey.endsWith('~invalid')).map((d) => d.idempotencyKey.slice(0, -8)),
  );
  const ds = deliveries.filter((d) => !overridden.has(d.idempotencyKey));

  const sent = pick(ds.filter((d) => d.state === 'sent'));
  if (sent)
    return {
      state: 'sent',
      channel: sent.channel,
      ...(sent.viaGroup ? { viaGroup: true } : {}),
      ...(sent.sentAt ? { at: sent.sentAt.toISOString() } : {}),
    };

  const moving = pick(ds.filter((d) => d.state === 'pending' || d.state === 'sending' || d.state === 'failed'));
  if (moving) {
    const retrying = moving.attempts > 0 && !!moving.lastError;
    return {
      state: 'waiting',
      channel: moving.channel,
      ...(moving.viaGroup ? { viaGroup: true } : {}),
      ...(retrying ? { reason: 'retrying' as const, attempts: moving.attempts } : {}),
      ...(retrying && chinese(moving.lastError) ? { detail: chinese(moving.lastError) } : {}),
    };
  }

  const parked = pick(ds.filter((d) => d.state === 'parked'));
  if (parked) {
    const reason = (parked.parkedReason ?? 'max_attempts') as BoardReason;
    return {
      // A send whose result is unknown waits for a person to decide; the others failed for good.
      state: reason === 'outcome_unknown' ? 'parked' : 'failed',
      channel: parked.channel,
      ...(parked.viaGroup ? { viaGroup: true } : {}),
      reason,
      ...(chinese(parked.lastError) ? { detail: chinese(parked.lastError) } : {}),
      attempts: parked.attempts,
      deliveryId: parked.id,
    };
  }

  // No message exists for them: nobody can reach them, or nothing has been sent yet.
  return { state: facts.started || !facts.hasChannel ? 'unreachable' : 'waiting' };
}

/** Unreachable first, then failed, parked, waiting, sent, confirmed; by name within each. */
export function sortBoard(items: PersonDelivery[]): PersonDelivery[] {
  const rank = (s: BoardState) => BOARD_STATES.indexOf(s);
  return [...items].sort((a, b) => rank(a.state) - rank(b.state) || a.name.localeCompare(b.name, 'zh'));
}

function countBoard(items: PersonDelivery[]): BoardDeliveries['counts'] {
  const counts = Object.fromEntries(BOARD_STATES.map((s) => [s, 0])) as BoardDeliveries['counts'];
  for (const i of items) counts[i.state]++;
  return counts;
}

// ---- loading ------------------------------------------------------------------------------------

/** Deliveries of one source, indexed by the person, address and group they went to. */
class DeliveryIndex {
  private byKey = new Map<string, BoardDelivery[]>();
  constructor(deliveries: DeliveryLean[]) {
    for (const d of deliveries) {
      const viaGroup = !!d.recipient.group && !d.recipient.user;
      const base: BoardDelivery = {
        id: String(d._id),
        channel: d.channel,
        state: d.state,
        idempotencyKey: d.idempotencyKey,
        attempts: d.attempts ?? 0,
        ...(d.parkedReason ? { parkedReason: d.parkedReason } : {}),
        ...(d.lastError ? { lastError: d.lastError } : {}),
        ...(d.sentAt ? { sentAt: d.sentAt } : {}),
        ...(viaGroup ? { viaGroup } : {}),
      };
      const keys: string[] = [];
      if (d.recipient.user) keys.push(`u:${String(d.recipient.user)}`);
      for (const u of d.recipient.users ?? []) keys.push(`u:${String(u)}`);
      if (d.recipient.group) keys.push(`g:${String(d.recipient.group)}`);
      // A parked `~invalid` split of a batch names its members by address only.
      if (!d.recipient.user && !d.recipient.users?.length && !d.recipient.group)
        for (const a of d.recipient.address.split('|')) keys.push(`a:${d.channel}:${a.toLowerCase()}`);
      for (const k of keys) this.byKey.set(k, [...(this.byKey.get(k) ?? []), base]);
    }
  }
  for(p: { user: string; groups: string[]; addresses: { channel: string; address: string }[] }): BoardDelivery[] {
    const keys = [
      `u:${p.user}`,
      ...p.groups.map((g) => `g:${g}`),
      ...p.addresses.map((a) => `a:${a.channel}:${a.address.toLowerCase()}`),
    ];
    const seen = new Map<string, BoardDelivery>();
    for (const k of keys) for (const d of this.byKey.get(k) ?? []) seen.set(d.id, d);
    return [...seen.values()];
  }
}

/**
 * Messages of a call-out addressed to other people about the unconfirmed (their superiors; the
 * office at the phone step), or card edits. The phone step's SMS goes to the person themselves.
 */
const NOT_TO_THEM = [
  { 'source.step': { $in: ['superior', 'card_update'] } },
  { 'source.step': 'phone', channel: { $ne: 'sms' as const } },
];

const DELIVERY_FIELDS = 'channel state idempotencyKey attempts parkedReason lastError sentAt recipient source';

export async function calloutDeliveries(caller: Caller, id: string): Promise<BoardDeliveries> {
  const c = await CalloutModel.findOne({ _id: id, town: caller.town }).select('step').lean<{ step: number }>();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const [recips, deliveries] = await Promise.all([
    CalloutRecipientModel.find(recipientsOf(id)).lean<RecipientLean[]>(),
    DeliveryModel.find({ 'source.kind': 'callout', 'source.id': id, $nor: NOT_TO_THEM })
      .select(DELIVERY_FIELDS)
      .lean<DeliveryLean[]>(),
  ]);
  const index = new DeliveryIndex(deliveries);
  const items = recips.map((r) => {
    const addresses = [
      ...(r.wecomUserId ? [{ channel: 'wecom_app', address: r.wecomUserId }] : []),
      ...(r.wechatyContactId ? [{ channel: 'wechaty', address: r.wechatyContactId }] : []),
    ];
    const facts: PersonFacts = {
      hasChannel: !r.noChannel || (r.groups ?? []).length > 0,
      started: c.step >= 0,
      ...(r.acked && r.ackAt
        ? {
            confirmed: {
              at: r.ackAt,
              ...(r.ackChannel ? { channel: r.ackChannel } : {}),
              stage: STEPS[r.ackStep ?? 0] ?? 'notify',
            },
          }
        : {}),
    };
    const found = index.for({ user: String(r.user), groups: (r.groups ?? []).map(String), addresses });
    return { userId: String(r.user), name: r.name, ...deliveryState(facts, found) };
  });
  const sorted = sortBoard(items);
  return { items: sorted, counts: countBoard(sorted) };
}

export async function drillDeliveries(caller: Caller, id: string): Promise<BoardDeliveries> {
  const drill = await DrillModel.findOne({ _id: id, town: caller.town })
    .select('participants status')
    .lean<{ participants: unknown[]; status: string }>();
  if (!drill) throw new AppError('DRILL_NOT_FOUND');
  const [users, checkins, deliveries] = await Promise.all([
    UserModel.find({ _id: { $in: drill.participants }, town: caller.town })
      .select('name wecomUserId wechatyContactIds grids')
      .lean(),
    DrillCheckinModel.find({ drill: id }).select('user checkedInAt channel').lean(),
    DeliveryModel.find({ 'source.kind': 'drill', 'source.id': id }).select(DELIVERY_FIELDS).lean<DeliveryLean[]>(),
  ]);
  const groupIds = [...new Set(deliveries.filter((d) => d.recipient.group).map((d) => String(d.recipient.group)))];
  const rooms = groupIds.length
    ? await ChatGroupModel.find({ _id: { $in: groupIds } })
        .select('grid')
        .lean()
    : [];
  const index = new DeliveryIndex(deliveries);
  const byUser = new Map(checkins.map((k) => [String(k.user), k]));
  const items = users.map((u) => {
    const grids = new Set((u.grids ?? []).map(String));
    const groups = rooms.filter((r) => r.grid && grids.has(String(r.grid))).map((r) => String(r._id));
    const k = byUser.get(String(u._id));
    const addresses = [
      ...(u.wecomUserId ? [{ channel: 'wecom_app', address: u.wecomUserId }] : []),
      ...(u.wechatyContactIds ?? []).map((a) => ({ channel: 'wechaty', address: a })),
    ];
    const facts: PersonFacts = {
      hasChannel: addresses.length > 0 || groups.length > 0,
      started: drill.status !== 'planned',
      ...(k
        ? { confirmed: { at: k.checkedInAt, ...(k.channel ? { channel: k.channel } : {}), stage: 'checkin' } }
        : {}),
    };
    const found = index.for({ user: String(u._id), groups, addresses });
    return { userId: String(u._id), name: u.name, ...deliveryState(facts, found) };
  });
  const sorted = sortBoard(items);
  return { items: sorted, counts: countBoard(sorted) };
}
