/** The escalation ladder: each due step's messages, built and put in the outbox. */
import { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { ChatGroupModel, UserModel } from '../people/models';
import { forgetCalloutHead } from './ack-tally';
import {
  CalloutContactModel,
  CalloutModel,
  CalloutRecipientModel,
  recipientsOf,
  type RecipientLean,
} from './callout.model';
import { LAST_STEP, STEPS, batches, stepDueAt } from './ladder';
import { calloutCard, taskId, text, type CalloutText } from './messages';
import { type CalloutLean, oid, owes, needsAck, needsContacts } from './common';

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
/**
 * Carry out the call-out's due steps. `written`: its recipients as just inserted by createCallout,
 * so that the first step (everyone) does not read ten thousand documents back.
 */
export async function runDueSteps(
  services: AppServices,
  calloutId: string,
  written?: RecipientLean[],
): Promise<number> {
  let done = 0;
  for (;;) {
    const c = await CalloutModel.findById(calloutId).lean<CalloutLean>();
    if (!c || c.status !== 'active') return done;
    const next = c.step + 1;
    if (next > LAST_STEP) return done;
    const now = services.clock.now();
    if (stepDueAt(c.issuedAt, next, c.ackMinutes, c.waitMinutes) > now) return done;
    await carryOutStep(services, c, next, next === 0 ? written : undefined);
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
    forgetCalloutHead(c._id);
    if (moved.modifiedCount) done++;
  }
}

/**
 * The first step (notify everyone), while the call-out is still `preparing`. Its group messages
 * need only the call-out and its groups, so they go first (`notifyGroups`, before the staff are
 * read); the rest need only who the recipients are, so they go out while the recipients'
 * documents are being written. Moves the step from -1 to 0 once (a repeat, e.g. by the recovery
 * of a crashed creation, enqueues nothing new: the keys are the same).
 */
export async function startFirstStep(
  services: AppServices,
  c: CalloutLean,
  people: RecipientLean[],
  only?: 'people',
): Promise<void> {
  await carryOutStep(services, c, 0, people, only);
  await CalloutModel.updateOne(
    { _id: c._id, step: -1 },
    { $set: { step: 0, nextStepAt: stepDueAt(c.issuedAt, 1, c.ackMinutes, c.waitMinutes) } },
  ).exec();
  forgetCalloutHead(c._id);
}

type NotifiedGroup = { _id: Types.ObjectId; channel: OutboundMessage['channel']; externalId: string };

/**
 * The first step's messages to the call-out's chat groups, given as already read (the step stays
 * at -1: see startFirstStep).
 */
export async function notifyGroups(services: AppServices, c: CalloutLean, groups: NotifiedGroup[]): Promise<void> {
  await enqueue(services.clock, groupNotices(c, groups));
}

/** The first step's message to each group (the same keys whoever enqueues them). */
function groupNotices(c: CalloutLean, groups: NotifiedGroup[]): OutboundMessage[] {
  const id = String(c._id);
  const t: CalloutText = { id, title: c.title, level: c.level, body: c.body };
  return groups.map((g) => ({
    town: c.town,
    exercise: c.exercise,
    source: { kind: 'callout', id, step: 'notify' },
    channel: g.channel,
    recipient: { group: g._id, address: g.externalId },
    content: { kind: 'text', text: text.notify(t) },
    idempotencyKey: `co:${id}:notify:group:${String(g._id)}`,
  }));
}

/** Build and enqueue the messages of one ladder step. Idempotency keys make a repeat harmless. */
async function carryOutStep(
  services: AppServices,
  c: CalloutLean,
  step: number,
  written?: RecipientLean[],
  /** Of the first step: only the messages to persons (those to groups were sent by notifyGroups). */
  only?: 'people',
): Promise<void> {
  const name = STEPS[step]!;
  const id = String(c._id);
  const t: CalloutText = { id, title: c.title, level: c.level, body: c.body };
  const recips =
    written ??
    ((await CalloutRecipientModel.find(
      step === 0 ? recipientsOf(c._id) : { ...recipientsOf(c._id), open: true },
    ).lean()) as unknown as RecipientLean[]);
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
      if (only !== 'people')
        msgs.push(...groupNotices(c, await ChatGroupModel.find({ _id: { $in: c.groups } }).lean()));
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
