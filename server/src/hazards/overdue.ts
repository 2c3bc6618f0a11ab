import type { Types } from 'mongoose';
import { categoryLabel } from '@yingji/shared';
import type { AppServices } from '../core/context';
import type { Job } from '../core/module';
import { enqueue, type OutboundMessage } from '../outbox/enqueue';
import { UserModel } from '../people/user.model';
import { outsideView } from '../moderation/present';
import { loadTownConfig, type TownConfig } from '../towns/config';
import { HazardModel, type Hazard } from './hazard.model';
import { formatLocal } from './rules';
import { moveCounters } from './service';

type HazardLean = Hazard & { _id: Types.ObjectId };
type Person = { _id: Types.ObjectId; name: string; wecomUserId?: string | null; superior?: Types.ObjectId | null };

/** Step 1: the responsible person (or, unassigned, the village's cadres). */
async function firstRecipients(h: HazardLean): Promise<Person[]> {
  if (h.responsibleUser) {
    const u = await UserModel.findOne({ _id: h.responsibleUser, active: true }).lean();
    return u ? [u] : [];
  }
  if (!h.village) return [];
  return UserModel.find({ town: h.town, role: 'cadre', village: h.village, active: true }).lean();
}

/** Step 2: their superiors (or, when none is known, the office). */
async function secondRecipients(h: HazardLean): Promise<Person[]> {
  const first = await firstRecipients(h);
  const superiors = first.map((u) => u.superior).filter(Boolean);
  if (superiors.length) return UserModel.find({ _id: { $in: superiors }, active: true }).lean();
  return UserModel.find({ town: h.town, role: 'office', active: true }).lean();
}

function messages(h: HazardLean, step: 1 | 2, people: Person[], responsibleName?: string): OutboundMessage[] {
  const deadline = formatLocal(h.deadline);
  const what = `${h.code}（${categoryLabel(h.category)}）：${h.description.slice(0, 60)}`;
  const text =
    step === 1
      ? `【隐患整改逾期提醒】${what}\n整改期限 ${deadline} 已过，请尽快整改并上传整改照片。`
      : `【隐患整改逾期督办】${responsibleName ? `${responsibleName}负责的` : ''}隐患 ${what}\n整改期限 ${deadline} 已过仍未整改完成，请督促落实。`;
  return people
    .filter((u) => u.wecomUserId)
    .map((u) => ({
      town: h.town,
      channel: 'wecom_app' as const,
      recipient: { user: u._id, address: u.wecomUserId! },
      content: { kind: 'text' as const, text },
      source: { kind: 'hazard', id: String(h._id), step: `overdue-${step}` },
      // Per hazard, step, deadline (a new deadline is a new round) and recipient.
      idempotencyKey: `hazard:${String(h._id)}:overdue:${step}:${h.deadline!.getTime()}:${String(u._id)}`,
    }));
}

/**
 * Mark hazards past their deadline overdue and remind: first the responsible person, then, after
 * the town's `hazards.escalateAfterHours`, their superior. Messages are enqueued first (idempotent),
 * then the step is claimed with a conditional update, so reruns and parallel instances send once.
 */
export async function runOverdueCheck(services: AppServices): Promise<{ marked: number; escalated: number }> {
  const now = services.clock.now();
  const configs = new Map<string, TownConfig>();
  const cfgOf = async (town: Types.ObjectId) => {
    let c = configs.get(String(town));
    if (!c) configs.set(String(town), (c = await loadTownConfig(town)));
    return c;
  };
  let marked = 0;
  let escalated = 0;
  // Not those awaiting re-inspection: the rectification is in, the wait is on the office.
  const filter = {
    status: { $nin: ['closed', 'awaiting_reinspection'] as Hazard['status'][] },
    deadline: { $lt: now },
    overdueStep: { $lt: 2 },
  };
  // Page through all of them (by _id): hazards waiting at step 1 must not fill a batch and starve new ones.
  const PAGE = 500;
  const pages = async function* () {
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await HazardModel.find(after ? { ...filter, _id: { $gt: after } } : filter)
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean();
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1]!._id;
    }
  };
  for await (const h of pages()) {
    const step: 1 | 2 = (h.overdueStep ?? 0) < 1 ? 1 : 2;
    if (step === 2) {
      const hours = (await cfgOf(h.town)).hazards.escalateAfterHours;
      if (now.getTime() < h.deadline!.getTime() + hours * 3600 * 1000) continue;
    }
    const people = step === 1 ? await firstRecipients(h) : await secondRecipients(h);
    const responsible = step === 2 ? (await firstRecipients(h))[0]?.name : undefined;
    // A notice never carries a text the content check flagged (moderation/present.ts).
    const text = (await outsideView('hazard', [h]))(h).description;
    await enqueue(services.clock, messages({ ...h, description: text }, step, people, responsible));
    const updated = await HazardModel.findOneAndUpdate(
      { _id: h._id, status: h.status, overdueStep: h.overdueStep ?? 0, deadline: h.deadline },
      {
        $set: { overdue: true, overdueStep: step },
        $push: {
          history: {
            at: now,
            byName: '系统',
            action: 'overdue',
            note: `${step === 1 ? '已逾期，已提醒责任人' : '逾期未整改，已提醒上级督办'}（${people
              .map((p) => p.name)
              .join('、')}）`,
            mediaIds: [],
          },
        },
      },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) continue;
    await moveCounters(h.town, h, updated);
    if (step === 1) marked++;
    else escalated++;
  }
  return { marked, escalated };
}

export const overdueJob: Job = { name: 'hazards.overdue', everyMs: 60_000, run: runOverdueCheck };
