import { XMLParser } from 'fast-xml-parser';
import type { Types } from 'mongoose';
import { AppError, CalloutCreate } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { CalloutModel, CalloutRecipientModel, recipientsOf } from '../callouts/callout.model';
import { capProblems, capToCallout } from '../callouts/cap';
import { closeCallout, createCallout } from '../callouts/service';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { ChatGroupModel } from '../people/chat-group.model';

interface Head {
  msgType: string;
  status: string;
  sender: string;
  identifier: string;
  sent: string;
  /** `sender,identifier,sent` triples of the messages this one updates or cancels. */
  references: { sender: string; identifier: string }[];
  note?: string;
}

function headOf(xml: string): Head {
  const alert = (
    new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true }).parse(
      xml,
    ) as { alert?: Record<string, unknown> }
  ).alert;
  const s = (k: string) => (alert?.[k] === undefined ? '' : String(alert[k]));
  return {
    msgType: s('msgType'),
    status: s('status'),
    sender: s('sender'),
    identifier: s('identifier'),
    sent: s('sent'),
    references: s('references')
      .split(/\s+/)
      .filter(Boolean)
      .map((r) => r.split(','))
      .filter((p) => p.length >= 2)
      .map(([sender, identifier]) => ({ sender: sender!, identifier: identifier! })),
    note: s('note') || undefined,
  };
}

/** The active call-outs of the town that a CAP message references. */
async function referenced(caller: Caller, h: Head) {
  if (h.references.length === 0) return [];
  return CalloutModel.find({
    town: caller.town,
    status: { $ne: 'closed' },
    $or: h.references.map((r) => ({ 'cap.sender': r.sender, 'cap.identifier': r.identifier })),
  })
    .select('_id title level town exercise groups')
    .lean();
}

/** Tell everyone a cancelled or replaced warning reached, in person and in its groups (once each). */
async function tellWarned(
  services: AppServices,
  c: { _id: Types.ObjectId; town: Types.ObjectId; title: string; exercise?: boolean; groups?: Types.ObjectId[] },
  text: string,
  step: string,
) {
  const id = String(c._id);
  const base = { town: String(c.town), exercise: c.exercise ?? false, source: { kind: 'callout', id, step } };
  const msgs: OutboundMessage[] = [];
  const recips = await CalloutRecipientModel.find(recipientsOf(c._id)).lean();
  for (const r of recips) {
    const rr = r as unknown as { user: unknown; wecomUserId?: string; wechatyContactId?: string };
    if (rr.wecomUserId)
      msgs.push({
        ...base,
        channel: 'wecom_app',
        recipient: { user: String(rr.user), address: rr.wecomUserId },
        content: { kind: 'text', text },
        idempotencyKey: `co:${id}:${step}:wecom:${String(rr.user)}`,
      });
    else if (rr.wechatyContactId)
      msgs.push({
        ...base,
        channel: 'wechaty',
        recipient: { user: String(rr.user), address: rr.wechatyContactId },
        content: { kind: 'text', text },
        idempotencyKey: `co:${id}:${step}:wechaty:${String(rr.user)}`,
      });
  }
  const groups = await ChatGroupModel.find({ _id: { $in: c.groups ?? [] } }).lean();
  for (const g of groups)
    msgs.push({
      ...base,
      channel: g.channel,
      recipient: { group: g._id, address: g.externalId },
      content: { kind: 'text', text },
      idempotencyKey: `co:${id}:${step}:group:${String(g._id)}`,
    });
  await enqueue(services.clock, msgs);
}

/**
 * A CAP 1.2 message from the county platform (a `cap` key): `Alert` issues a warning; `Update`
 * replaces the warnings it references (they are closed, those warned are told, the new one is
 * issued); `Cancel` closes them and tells those warned that the warning is lifted.
 */
export async function receiveCap(services: AppServices, caller: Caller, xml: string) {
  const problems = await capProblems(xml);
  if (problems.length) throw new AppError('CAP_INVALID', { details: { problems } });
  const h = headOf(xml);
  if (await CalloutModel.exists({ town: caller.town, 'cap.sender': h.sender, 'cap.identifier': h.identifier }))
    throw new AppError('CAP_DUPLICATE');
  if (h.msgType === 'Cancel') {
    if (h.status !== 'Actual' && h.status !== 'Exercise') throw new AppError('CAP_STATUS_UNSUPPORTED');
    const old = await referenced(caller, h);
    for (const c of old) {
      await closeCallout(caller, String(c._id));
      await tellWarned(services, c, `【预警解除】${c.title}已解除。${h.note ?? ''}`.trim(), 'cap_cancel');
    }
    return { msgType: 'Cancel', closed: old.map((c) => String(c._id)) };
  }
  const { input, cap } = await capToCallout(caller.town, xml);
  const old = h.msgType === 'Update' ? await referenced(caller, h) : [];
  const created = await createCallout(services, caller, CalloutCreate.parse(input), { cap });
  for (const c of old) {
    await closeCallout(caller, String(c._id));
    await tellWarned(services, c, `【预警更新】${c.title}已更新为：${input.title}，请以新预警为准。`, 'cap_update');
  }
  return { msgType: h.msgType, id: created.id, recipients: created.recipients, closed: old.map((c) => String(c._id)) };
}
