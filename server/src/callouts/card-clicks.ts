/**
 * WeCom warning cards' 收到 clicks, acknowledged many at a time. During a 临灾叫应 hundreds of grid
 * members tap 收到 within a minute; one by one each click cost six round trips. A batch costs the
 * same few whatever its size: the members by WeCom id, the recipients by primary key, two
 * conditional updates, one counter `$inc`, one insert of the card updates.
 *
 * The same rules as `acknowledge`: counted once (the recipient changes only from "not
 * acknowledged"), the first answer's time and channel kept, only the call-out's own town's people,
 * and the card updated to show who confirmed (idempotent by the click's one-shot code).
 */
import { Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { UserModel } from '../people/models';
import { calloutHead, countAcks } from './ack-tally';
import { CalloutRecipientModel } from './callout.model';
import { rid } from './common';
import { text } from './messages';

export interface CardClick {
  /** The member's WeCom user id (FromUserName). */
  wecomUserId: string;
  calloutId: string;
  /** The click's one-shot code, to update the card. */
  responseCode?: string;
  /**
   * The towns of the corp the click came through (towns/wecom-corps.ts): the member is looked up
   * there, and a call-out of another corp's town is not theirs to answer.
   */
  towns: Types.ObjectId[];
}

interface Member {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  name: string;
  wecomUserId: string;
}

/**
 * Acknowledge the clicks; returns how many answers were new (counted), and the clicks that came
 * before their recipient's document was written (the call-out still `preparing`): try those again.
 */
export async function acknowledgeCardClicks(
  services: AppServices,
  clicks: CardClick[],
): Promise<{ counted: number; early: CardClick[] }> {
  const at = services.clock.now();
  const wecomIds = [...new Set(clicks.map((c) => c.wecomUserId))];
  const towns = [...new Map(clicks.flatMap((c) => c.towns).map((t) => [String(t), t])).values()];
  // A WeCom id is one member within a town (a partial unique index), and within a corp.
  const members = await UserModel.find({ wecomUserId: { $in: wecomIds }, town: { $in: towns }, active: true })
    .select('town name wecomUserId')
    .lean<Member[]>();
  const byKey = new Map(members.map((m) => [`${String(m.town)}|${m.wecomUserId}`, m]));

  const byCallout = new Map<string, CardClick[]>();
  for (const click of clicks) {
    if (!Types.ObjectId.isValid(click.calloutId)) continue;
    const list = byCallout.get(click.calloutId) ?? [];
    list.push(click);
    byCallout.set(click.calloutId, list);
  }

  const cardUpdates: OutboundMessage[] = [];
  const early: CardClick[] = [];
  const counted = await Promise.all(
    [...byCallout].map(async ([calloutId, items]) => {
      const head = await calloutHead(calloutId);
      if (!head) return 0;
      // Only the call-out's own town's people, reached through that town's corp.
      const mine = items.flatMap((click) => {
        if (!click.towns.some((t) => String(t) === String(head.town))) return [];
        const member = byKey.get(`${String(head.town)}|${click.wecomUserId}`);
        return member ? [{ click, member }] : [];
      });
      const ids = [...new Set(mine.map((i) => rid(head._id, String(i.member._id))))];
      const known = new Set(
        (
          await CalloutRecipientModel.find({ _id: { $in: ids } })
            .select('_id')
            .lean()
        ).map((r) => r._id),
      );
      if (head.status === 'preparing')
        early.push(...mine.filter((i) => !known.has(rid(head._id, String(i.member._id)))).map((i) => i.click));
      if (known.size === 0) return 0;
      const set = { acked: true, ackAt: at, ackChannel: 'wecom_card', ackStep: Math.max(0, head.step) };
      const inIds = { $in: [...known] };
      // Most recipients owe no one-to-one contacts: answered and closed in one write.
      const closed = await CalloutRecipientModel.updateMany(
        { _id: inIds, acked: false, contactsPending: 0 },
        { $set: { ...set, open: false } },
      ).exec();
      const answered = await CalloutRecipientModel.updateMany({ _id: inIds, acked: false }, { $set: set }).exec();
      const n = closed.modifiedCount + answered.modifiedCount;
      if (n > 0) countAcks(services.log, head._id, n);
      const hhmm = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
      for (const { click, member } of mine) {
        if (!click.responseCode || !known.has(rid(head._id, String(member._id)))) continue;
        cardUpdates.push({
          town: head.town,
          channel: 'wecom_app',
          recipient: { user: member._id, address: member.wecomUserId },
          content: {
            kind: 'card_update',
            card: { responseCode: click.responseCode, replaceName: text.cardConfirmed(member.name, hhmm) },
          },
          source: { kind: 'callout', id: String(head._id), step: 'card_update' },
          exercise: head.exercise,
          idempotencyKey: `co:${String(head._id)}:card:${String(member._id)}:${click.responseCode}`,
        });
      }
      return n;
    }),
  );
  await enqueue(services.clock, cardUpdates);
  return { counted: counted.reduce((a, b) => a + b, 0), early };
}
