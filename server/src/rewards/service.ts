import { Types } from 'mongoose';
import {
  AppError,
  REWARD_STATUS_LABELS,
  type HazardLevel,
  type MyReward,
  type Reporter,
  type ReporterAccess,
  type RewardDecisionKind,
  type RewardOut,
  type RewardStatus,
} from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import type { Hazard } from '../hazards/hazard.model';
import { HazardModel } from '../hazards/hazard.model';
import { enqueue } from '../outbox/enqueue';
import { UserModel } from '../people/user.model';
import { reporterView } from '../people/reporter-view';
import { TipModel } from '../tips/tip.model';
import { loadTownConfig } from '../towns/config';
import { ReporterAccessModel, RewardModel, type Reward } from './reward.model';
import { decideReward, proposeReward } from './rules';

type HazardLean = Hazard & { _id: Types.ObjectId };
type RewardLean = Reward & { _id: Types.ObjectId; createdAt: Date };

/**
 * Propose a reward when a hazard's tip is verified (per the town's trigger: accepted, or closed).
 * The first valid reporter of the matter (the earliest linked tip from a rewarded role) gets it;
 * one reward per hazard, so later duplicates get none. Run again when a tip is linked later: an
 * earlier tip marked a duplicate after a later one was accepted takes the undecided reward over.
 */
export async function proposeFor(services: AppServices, hazard: HazardLean, trigger: 'accepted' | 'closed') {
  const cfg = await loadTownConfig(hazard.town);
  if (cfg.rewards.trigger !== trigger || !hazard.tips?.length) return;
  const first = await TipModel.findOne({
    _id: { $in: hazard.tips },
    status: { $in: ['accepted', 'duplicate'] },
    reporterRole: { $in: cfg.rewards.roles },
  })
    .sort({ submittedAt: 1, _id: 1 })
    .lean();
  if (!first) return;
  const proposal = proposeReward(cfg.rewards.rules, {
    level: hazard.level as HazardLevel,
    category: hazard.category,
    fineAmount: hazard.fineAmount,
  });
  if (!proposal) return;
  try {
    await RewardModel.create({
      town: hazard.town,
      hazard: hazard._id,
      tip: first._id,
      reporter: first.reporter,
      confidential: first.confidential,
      proposedAmount: proposal.amount,
      amount: proposal.amount,
      rule: proposal.rule,
      status: 'proposed',
      decisions: [{ at: services.clock.now(), decision: 'propose', amount: proposal.amount, reason: proposal.rule }],
    });
  } catch (e) {
    if ((e as { code?: number }).code !== 11000) throw e; // already proposed for this hazard
    await givePriorityTo(services, hazard, first);
  }
}

/**
 * The hazard's reward already exists: if it went to a later tip while the office has not paid or
 * refused it, move it to the first reporter (one conditional update; the decisions say why).
 */
async function givePriorityTo(
  services: AppServices,
  hazard: HazardLean,
  first: {
    _id: Types.ObjectId;
    code: string;
    reporter: Types.ObjectId;
    confidential?: boolean | null;
    submittedAt: Date;
  },
) {
  const reward = await RewardModel.findOne({ hazard: hazard._id }).lean();
  if (!reward || String(reward.tip) === String(first._id)) return;
  const current = await TipModel.findById(reward.tip).select('submittedAt').lean();
  if (current && current.submittedAt.getTime() <= first.submittedAt.getTime()) return;
  await RewardModel.updateOne(
    { _id: reward._id, tip: reward.tip, status: { $in: ['proposed', 'approved'] } },
    {
      $set: { tip: first._id, reporter: first.reporter, confidential: Boolean(first.confidential) },
      $push: {
        decisions: {
          at: services.clock.now(),
          decision: 'reassign',
          amount: reward.amount,
          reason: `更早的举报 ${first.code} 已并入，奖励归首位举报人`,
        },
      },
    },
  );
}

export const onTipAccepted = (services: AppServices, hazard: HazardLean) => proposeFor(services, hazard, 'accepted');
export const onHazardClosed = (services: AppServices, hazard: HazardLean) => proposeFor(services, hazard, 'closed');

async function findReward(caller: Caller, id: string): Promise<RewardLean> {
  const r = await RewardModel.findOne({ _id: new Types.ObjectId(id), town: caller.town }).lean();
  if (!r) throw new AppError('REWARD_NOT_FOUND');
  return r as RewardLean;
}

/** The office's decision; each records who and when, and the reporter is told of the outcome. */
export async function decide(
  services: AppServices,
  caller: Caller,
  id: string,
  body: { decision: RewardDecisionKind; amount?: number; reason?: string; reference?: string },
): Promise<RewardOut> {
  const r = await findReward(caller, id);
  const verdict = decideReward(r.status as RewardStatus, body.decision, body);
  if (!verdict.ok) throw new AppError(verdict.error);
  const now = services.clock.now();
  const set: Record<string, unknown> = { status: verdict.to };
  if (body.decision === 'change') set.amount = body.amount;
  if (body.decision === 'pay') {
    set.paidAt = now;
    if (body.reference) set.reference = body.reference;
  }
  const updated = await RewardModel.findOneAndUpdate(
    { _id: r._id, town: caller.town, status: r.status },
    {
      $set: set,
      $push: {
        decisions: {
          at: now,
          by: caller._id,
          byName: caller.name,
          decision: body.decision,
          amount: body.decision === 'change' ? body.amount : r.amount,
          reason: body.reason,
          reference: body.reference,
        },
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new AppError('CONFLICT');
  await notifyRewardOwner(services, updated as RewardLean);
  return (await rewardsOut(caller, [updated as RewardLean]))[0]!;
}

async function notifyRewardOwner(services: AppServices, r: RewardLean) {
  const [user, tip] = await Promise.all([
    UserModel.findById(r.reporter).select('wechatOpenId').lean(),
    TipModel.findById(r.tip).select('code').lean(),
  ]);
  if (!user?.wechatOpenId || !tip) return;
  const label = REWARD_STATUS_LABELS[r.status as RewardStatus];
  const amount = r.status === 'approved' || r.status === 'paid' ? `，金额 ${r.amount} 元` : '';
  await enqueue(services.clock, [
    {
      town: r.town,
      channel: 'wechat_subscribe',
      recipient: { user: r.reporter, address: user.wechatOpenId },
      content: {
        kind: 'text',
        text: `您的举报 ${tip.code} 的奖励${label}${amount}`,
        card: {
          type: 'reward_status',
          page: 'pages/rewards/index',
          data: { code: tip.code, status: r.status, statusLabel: label, amount: amount ? r.amount : undefined },
        },
      },
      source: { kind: 'reward', id: String(r._id), step: r.status },
      idempotencyKey: `reward:${String(r._id)}:${r.status}`,
    },
  ]);
}

async function rewardsOut(caller: Caller, rewards: RewardLean[]): Promise<RewardOut[]> {
  const [tips, hazards, users] = await Promise.all([
    TipModel.find({ _id: { $in: rewards.map((r) => r.tip) } })
      .select('code confidential')
      .lean(),
    HazardModel.find({ _id: { $in: rewards.map((r) => r.hazard) } })
      .select('code level category')
      .lean(),
    UserModel.find({ _id: { $in: rewards.map((r) => r.reporter) } })
      .select('name phone')
      .lean(),
  ]);
  const tipById = new Map(tips.map((t) => [String(t._id), t]));
  const hazById = new Map(hazards.map((h) => [String(h._id), h]));
  const userById = new Map(users.map((u) => [String(u._id), u]));
  return rewards.map((r) => {
    const h = hazById.get(String(r.hazard));
    return {
      id: String(r._id),
      status: r.status as RewardStatus,
      statusLabel: REWARD_STATUS_LABELS[r.status as RewardStatus],
      amount: r.amount,
      proposedAmount: r.proposedAmount,
      rule: r.rule,
      tip: { id: String(r.tip), code: tipById.get(String(r.tip))?.code ?? '' },
      hazard: { id: String(r.hazard), code: h?.code ?? '', level: h?.level ?? '', category: h?.category ?? '' },
      confidential: Boolean(r.confidential),
      reporter: reporterView(r, userById.get(String(r.reporter)), caller),
      decisions: (r.decisions ?? []).map((d) => ({
        at: d.at.toISOString(),
        by: d.by ? { id: String(d.by), name: d.byName ?? '' } : undefined,
        decision: d.decision,
        amount: d.amount ?? undefined,
        reason: d.reason ?? undefined,
        reference: d.reference ?? undefined,
      })),
      paidAt: r.paidAt?.toISOString(),
      createdAt: r.createdAt.toISOString(),
    };
  });
}

export async function listRewards(
  caller: Caller,
  q: { status?: RewardStatus; page: number; pageSize: number },
): Promise<{ items: RewardOut[]; total: number }> {
  const filter: Record<string, unknown> = { town: caller.town };
  if (q.status) filter.status = q.status;
  const [total, docs] = await Promise.all([
    RewardModel.countDocuments(filter),
    RewardModel.find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean(),
  ]);
  return { items: await rewardsOut(caller, docs as RewardLean[]), total };
}

export async function getReward(caller: Caller, id: string): Promise<RewardOut> {
  return (await rewardsOut(caller, [await findReward(caller, id)]))[0]!;
}

/** A reporter's own rewards: the amount once approved, the reason when refused. */
export async function myRewards(caller: Caller): Promise<{ items: MyReward[] }> {
  const docs = (await RewardModel.find({ town: caller.town, reporter: caller._id })
    .sort({ createdAt: -1 })
    .lean()) as RewardLean[];
  const [tips, hazards] = await Promise.all([
    TipModel.find({ _id: { $in: docs.map((r) => r.tip) } })
      .select('code')
      .lean(),
    HazardModel.find({ _id: { $in: docs.map((r) => r.hazard) } })
      .select('code')
      .lean(),
  ]);
  const tipCode = new Map(tips.map((t) => [String(t._id), t.code]));
  const hazCode = new Map(hazards.map((h) => [String(h._id), h.code]));
  return {
    items: docs.map((r) => {
      const shown = r.status === 'approved' || r.status === 'paid';
      const refusal = r.status === 'refused' ? r.decisions?.filter((d) => d.decision === 'refuse').at(-1) : undefined;
      return {
        id: String(r._id),
        status: r.status as RewardStatus,
        statusLabel: REWARD_STATUS_LABELS[r.status as RewardStatus],
        amount: shown ? r.amount : undefined,
        reason: refusal?.reason ?? undefined,
        tip: { id: String(r.tip), code: tipCode.get(String(r.tip)) ?? '' },
        hazardCode: hazCode.get(String(r.hazard)) ?? '',
        paidAt: r.paidAt?.toISOString(),
        createdAt: r.createdAt.toISOString(),
      };
    }),
  };
}

/**
 * Reveal a tip's reporter to someone with the reward permission. A confidential reporter's
 * identity is written to the access log before it is answered.
 */
export async function revealReporter(
  services: AppServices,
  caller: Caller,
  tipId: Types.ObjectId,
  purpose: string,
): Promise<Reporter> {
  const tip = await TipModel.findOne({ _id: tipId, town: caller.town }).lean();
  if (!tip) throw new AppError('TIP_NOT_FOUND');
  const user = await UserModel.findById(tip.reporter).select('name phone').lean();
  if (!user) throw new AppError('USER_NOT_FOUND');
  if (tip.confidential) {
    await ReporterAccessModel.create({
      town: caller.town,
      viewer: caller._id,
      viewerName: caller.name,
      viewerRole: caller.role,
      tip: tip._id,
      tipCode: tip.code,
      reporter: tip.reporter,
      purpose,
      at: services.clock.now(),
    });
  }
  return { id: String(user._id), name: user.name, phone: user.phone ?? undefined, anonymous: false };
}

export async function rewardReporter(services: AppServices, caller: Caller, rewardId: string): Promise<Reporter> {
  const r = await findReward(caller, rewardId);
  return revealReporter(services, caller, r.tip, `奖励 ${rewardId}`);
}

export async function accessLog(caller: Caller): Promise<{ items: ReporterAccess[] }> {
  const docs = await ReporterAccessModel.find({ town: caller.town }).sort({ at: -1 }).limit(500).lean();
  return {
    items: docs.map((d) => ({
      at: d.at.toISOString(),
      viewer: { id: String(d.viewer), name: d.viewerName },
      tip: { id: String(d.tip), code: d.tipCode },
      purpose: d.purpose,
    })),
  };
}
