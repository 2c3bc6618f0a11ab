/** Issuing a warning: its area, its recipients and their groups, and the first step of the ladder. */
import { AppError, type CalloutCreate } from '@yingji/shared';
import { Types, type QueryFilter } from 'mongoose';
import { cacheMark, rememberCallers } from '../core/caller-cache';
import type { AppServices, Caller } from '../core/context';
import { isDuplicateKey } from '../db/duplicate';
import { ChatGroupModel, GridModel, UserModel, VillageModel } from '../people/models';
import { loadTownConfig } from '../towns/config';
import {
  CalloutContactModel,
  CalloutModel,
  CalloutRecipientModel,
  VulnerableResidentModel,
  type RecipientLean,
} from './callout.model';
import { bucketCount, windowsFor } from './ladder';
import { forgetCalloutHead } from './ack-tally';
import { RESPONSIBLE_ROLES, type CalloutLean, type UserPick, rid, oid } from './common';
import { notifyGroups, startFirstStep } from './steps';

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

const USER_FIELDS = 'town name role village grids superior wecomUserId wechatyContactIds active';
type Request = Pick<CalloutCreate, 'area' | 'recipients'>;

/**
 * What a warning reaches without reading the town's staff: its area, the chat groups and
 * vulnerable residents there, and the named recipients (all of them known, else it is refused).
 */
export async function gatherArea(town: Types.ObjectId, input: Request) {
  const [area, named, allResidents, allGroups] = await Promise.all([
    resolveArea(town, input.area),
    input.recipients?.length
      ? UserModel.find({ _id: { $in: input.recipients.map(oid) }, town, active: true })
          .select(USER_FIELDS)
          .lean<UserPick[]>()
      : Promise.resolve([] as UserPick[]),
    VulnerableResidentModel.find({ town, active: true }).lean(),
    ChatGroupModel.find({ town }).lean(),
  ]);
  if (named.length !== new Set(input.recipients ?? []).size) throw new AppError('CALLOUT_RECIPIENT_UNKNOWN');
  const residents = allResidents.filter(
    (r) =>
      area.whole ||
      (r.grid && area.gridSet.has(String(r.grid))) ||
      (r.village && area.villageSet.has(String(r.village))),
  );
  const groups = allGroups.filter((g) =>
    area.whole
      ? true
      : g.grid
        ? area.gridSet.has(String(g.grid))
        : !!g.village && area.villageIds.some((v) => String(v) === String(g.village)),
  );
  return { area, named, residents, groups };
}
type Where = Awaited<ReturnType<typeof gatherArea>>;

/** The town's active grid members and cadres: the slowest read of a warning (ten thousand of them). */
export function readStaff(town: Types.ObjectId, input: Request): Promise<UserPick[]> {
  if (input.recipients?.length && !input.area) return Promise.resolve([]);
  return UserModel.find({ town, active: true, role: { $in: RESPONSIBLE_ROLES } })
    .select(USER_FIELDS)
    .lean<UserPick[]>()
    .exec();
}

/** Whether the warning reaches any person at all, asked before anything is sent. */
export async function reachesAnyone(town: Types.ObjectId, input: Request, where: Where): Promise<boolean> {
  if (where.named.length) return true;
  const { area, residents } = where;
  // The same rule as gatherPeople's: the area's staff, and whoever answers for its residents.
  const staff = { role: { $in: RESPONSIBLE_ROLES } };
  const alternatives: Record<string, unknown>[] = [
    { _id: { $in: [...new Set(residents.map((r) => String(r.responsible)))].map(oid) } },
  ];
  if (!(input.recipients?.length && !input.area))
    alternatives.push(
      ...(area.whole
        ? [staff]
        : [
            { ...staff, grids: { $in: [...area.gridSet].map(oid) } },
            { role: 'cadre', village: { $in: [...area.villageSet].map(oid) } },
          ]),
    );
  const filter: QueryFilter<unknown> = { town, active: true, $or: alternatives };
  return !!(await UserModel.exists(filter));
}

/** Everyone a warning reaches: the area's staff, the named, and whoever answers for its vulnerable residents. */
export async function gatherPeople(town: Types.ObjectId, where: Where, allStaff: UserPick[]) {
  const { area, named, residents, groups } = where;
  const inArea = (u: UserPick) =>
    area.whole ||
    (u.grids ?? []).some((g) => area.gridSet.has(String(g))) ||
    (u.role === 'cadre' && !!u.village && area.villageSet.has(String(u.village)));
  const staff = allStaff.filter(inArea);

  const responsibleIds = [...new Set(residents.map((r) => String(r.responsible)))];
  const responsible = responsibleIds.length
    ? await UserModel.find({ _id: { $in: responsibleIds.map(oid) }, town, active: true })
        .select(USER_FIELDS)
        .lean<UserPick[]>()
    : [];

  const people = new Map<string, UserPick>();
  for (const u of [...staff, ...named, ...responsible]) people.set(String(u._id), u);

  const residentsOf = new Map<string, typeof residents>();
  for (const r of residents) {
    if (!people.has(String(r.responsible))) continue;
    const list = residentsOf.get(String(r.responsible)) ?? [];
    list.push(r);
    residentsOf.set(String(r.responsible), list);
  }
  return { area, people, groups, residentsOf };
}

/** Who a warning reaches, resolved from its request (the office's, or a stored one on recovery). */
export async function gatherRecipients(town: Types.ObjectId, input: Request) {
  const [where, staff] = await Promise.all([gatherArea(town, input), readStaff(town, input)]);
  return gatherPeople(town, where, staff);
}
type Gathered = Awaited<ReturnType<typeof gatherRecipients>>;

/** Each group's id under its grid, or its village when it has no grid: a person's groups are looked up, not searched for. */
function groupIndex(groups: Gathered['groups']) {
  const byGrid = new Map<string, Types.ObjectId[]>();
  const byVillage = new Map<string, Types.ObjectId[]>();
  for (const group of groups) {
    const [index, key] = group.grid ? [byGrid, String(group.grid)] : [byVillage, String(group.village)];
    index.set(key, [...(index.get(key) ?? []), group._id]);
  }
  return { byGrid, byVillage };
}

/** One recipient document for each of these persons, with their groups. */
function recipientDocs(
  calloutId: Types.ObjectId,
  town: Types.ObjectId,
  now: Date,
  g: Gathered,
  people: UserPick[],
  index: ReturnType<typeof groupIndex>,
) {
  const docs = people.map((u) => {
    const mine = g.residentsOf.get(String(u._id)) ?? [];
    const userGroups = [
      ...(u.grids ?? []).flatMap((x) => index.byGrid.get(String(x)) ?? []),
      ...(index.byVillage.get(String(u.village)) ?? []),
    ];
    const wechatyContactId = u.wechatyContactIds?.[0];
    return {
      _id: rid(calloutId, u._id),
      callout: calloutId,
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
      // Stated here, not left to the schema's defaults: the insert below skips Mongoose's casting.
      acked: false,
      open: true,
      createdAt: now,
      updatedAt: now,
    };
  });
  return docs satisfies RecipientLean[];
}

/** One contact per vulnerable resident, owed by the person responsible for them. */
export function contactDocs(calloutId: Types.ObjectId, town: Types.ObjectId, g: Gathered) {
  return [...g.residentsOf.entries()].flatMap(([userId, list]) =>
    list.map((r) => ({
      _id: rid(calloutId, r._id),
      callout: calloutId,
      town,
      resident: r._id,
      residentName: r.name,
      kind: r.kind,
      responsible: oid(userId),
    })),
  );
}

/** What the first step needs of each recipient (their channels and contacts), without the rest. */
export function firstStepPeople(g: Gathered): RecipientLean[] {
  return [...g.people.values()].map(
    (u) =>
      ({
        user: u._id,
        name: u.name,
        wecomUserId: u.wecomUserId ?? undefined,
        wechatyContactId: u.wechatyContactIds?.[0],
        contactsPending: g.residentsOf.get(String(u._id))?.length ?? 0,
        acked: false,
        groups: [],
      }) as unknown as RecipientLean,
  );
}

/** Passed through to the driver: a field left undefined is not stored (as null). */
const KEEP_UNDEFINED_OUT = { ignoreUndefined: true };

/**
 * Every person's recipient document, built typed and inserted without Mongoose's per-document
 * casting and validation, a thousand at a time, one thousand after the other: the first step's
 * sends are claimed and recorded by the same database meanwhile (two thousands at once slowed the
 * fan-out by a tenth). Each thousand is built just before it is written, so the event loop is
 * never held for all ten thousand at once. Already there (a repeat after a crash) counts as
 * written.
 */
export async function writeRecipients(
  calloutId: Types.ObjectId,
  town: Types.ObjectId,
  now: Date,
  g: Gathered,
): Promise<void> {
  const people = [...g.people.values()];
  const index = groupIndex(g.groups);
  const write = (from: number) => {
    const docs = recipientDocs(calloutId, town, now, g, people.slice(from, from + 1000), index);
    return docs.length
      ? CalloutRecipientModel.insertMany(docs, { ordered: false, lean: true, ...KEEP_UNDEFINED_OUT }).then(
          () => undefined,
          onlyRepeats,
        )
      : undefined;
  };
  for (let i = 0; i < people.length; i += 1000) await write(i);
}

export async function writeContacts(contacts: ReturnType<typeof contactDocs>): Promise<void> {
  if (contacts.length) await CalloutContactModel.insertMany(contacts, { ordered: false }).catch(onlyRepeats);
}

function onlyRepeats(e: { writeErrors?: unknown[] }): void {
  const errors = e.writeErrors ?? [e];
  if (!errors.every((w) => isDuplicateKey(w) || isDuplicateKey((w as { err?: unknown }).err))) throw e;
}

/**
 * Issue a warning. Its area resolves to chat groups and persons: the area's staff, named
 * recipients, and those responsible for its vulnerable residents. Every moment counts, so the
 * messages go out as soon as what they need is known:
 * 1. the group messages, once the area is known (a few reads: they go out within half a second);
 * 2. the messages to persons, once the town's staff are read (the slowest read: ten thousand);
 * 3. meanwhile one recipient document per person is written.
 * The call-out is `preparing` until its recipients are all written; an answer that arrives before
 * its recipient document waits for it (acks.ts, card-clicks.ts). A creation cut short by a crash
 * is finished by the `callouts:finish-preparing` job from the stored request.
 */
export async function createCallout(
  services: AppServices,
  caller: Caller,
  input: CalloutCreate,
  extra: { cap?: { sender: string; identifier: string; sent: string } } = {},
): Promise<{ id: string; recipients: number }> {
  const town = caller.town;
  const mark = cacheMark();
  const [where, cfg] = await Promise.all([gatherArea(town, input), loadTownConfig(town)]);
  if (!(await reachesAnyone(town, input, where))) throw new AppError('CALLOUT_NO_RECIPIENTS');
  const { ackMinutes, waitMinutes } = windowsFor(input.level, cfg, input.ackMinutes);

  const now = services.clock.now();
  const { area, groups } = where;
  const created = await CalloutModel.create({
    town,
    title: input.title,
    level: input.level,
    body: input.body ?? '',
    event: input.event,
    area: { villages: area.whole ? [] : area.villageIds, grids: area.gridIds },
    request: { area: input.area ?? null, recipients: input.recipients ?? [] },
    exercise: input.exercise ?? false,
    status: 'preparing',
    createdBy: caller._id,
    issuedAt: now,
    expiresAt: input.expiresAt ? new Date(input.expiresAt) : undefined,
    ackMinutes,
    waitMinutes,
    step: -1,
    groups: groups.map((g) => g._id),
    // Counted once the persons are known (below).
    summary: { total: 0, acked: 0 },
    oneToOne: { total: 0, contacted: 0, transferred: 0 },
    cap: extra.cap,
  });
  const callout = created.toObject() as CalloutLean;
  await notifyGroups(services, callout, groups);

  // Only now the staff: read beside the group messages' insert and first sends, it slowed both.
  const gathered = await gatherPeople(town, where, await readStaff(town, input));
  const counts = await countPeople(callout._id, gathered);
  // The first step names the residents each person must contact: those are written first (few).
  await writeContacts(contactDocs(callout._id, town, gathered));
  // Then the first step to persons: its sends need not wait for ten thousand inserts.
  await startFirstStep(services, { ...callout, ...counts }, firstStepPeople(gathered), 'people');
  await writeRecipients(callout._id, town, now, gathered);
  // They are about to answer (the API's ack, the mini-program): who they are is known already.
  rememberCallers(mark, [...gathered.people.values()]);
  await activate(callout._id);
  return { id: String(callout._id), recipients: gathered.people.size };
}

/**
 * The call-out's counts of persons, and the number of WeCom batches its messages to them are cut
 * into (fixed before the first of those messages is enqueued: a repeat must cut them the same way).
 */
export async function countPeople(calloutId: Types.ObjectId, g: Gathered) {
  const wecomCount = [...g.people.values()].filter((u) => u.wecomUserId).length;
  const counts = { buckets: bucketCount(wecomCount) };
  const oneToOne = [...g.residentsOf.values()].reduce((s, l) => s + l.length, 0);
  await CalloutModel.updateOne(
    { _id: calloutId },
    { $set: { ...counts, 'summary.total': g.people.size, 'oneToOne.total': oneToOne } },
  ).exec();
  return counts;
}

/** Every recipient written: the ladder runs from now on. */
export async function activate(calloutId: Types.ObjectId): Promise<void> {
  await CalloutModel.updateOne({ _id: calloutId, status: 'preparing' }, { $set: { status: 'active' } }).exec();
  forgetCalloutHead(calloutId);
}
