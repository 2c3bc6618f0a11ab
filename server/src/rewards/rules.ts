import type { HazardLevel, RewardDecisionKind, RewardStatus } from '@yingji/shared';

/** The pure rules of rewards: the town's rule table and the office's decisions. Tested as tables. */

export interface RewardRule {
  level?: HazardLevel;
  category?: string;
  /** The reward, or the minimum when a share of a fine applies. */
  amount: number;
  fineShare?: number;
  maxAmount?: number;
}

function specificity(r: RewardRule): number {
  return (r.category ? 2 : 0) + (r.level ? 1 : 0);
}

/**
 * The proposed reward for a verified tip: the most specific rule matching the hazard's level and
 * category (category beats level; the first listed wins a tie). With a fine and a share, the share
 * of the fine, rounded to the yuan, at least the rule's amount and at most its maximum.
 */
export function proposeReward(
  rules: readonly RewardRule[],
  hazard: { level: HazardLevel; category: string; fineAmount?: number | null },
): { amount: number; rule: string } | null {
  let best: RewardRule | undefined;
  for (const r of rules) {
    if (r.level && r.level !== hazard.level) continue;
    if (r.category && r.category !== hazard.category) continue;
    if (!best || specificity(r) > specificity(best)) best = r;
  }
  if (!best) return null;
  let amount = best.amount;
  const parts = [best.level ? `等级=${best.level}` : '', best.category ? `类别=${best.category}` : ''].filter(Boolean);
  let rule = `${parts.join('，') || '默认'}：${best.amount} 元`;
  if (best.fineShare && hazard.fineAmount) {
    amount = Math.max(best.amount, Math.round(hazard.fineAmount * best.fineShare));
    rule += `，或罚款 ${hazard.fineAmount} 元的 ${Math.round(best.fineShare * 100)}%（取高者）`;
  }
  if (best.maxAmount !== undefined && amount > best.maxAmount) {
    amount = best.maxAmount;
    rule += `，上限 ${best.maxAmount} 元`;
  }
  return { amount, rule };
}

interface DecisionRule {
  from: readonly RewardStatus[];
  to: RewardStatus;
  needsReason: boolean;
  needsAmount: boolean;
}

export const DECISION_RULES: Record<RewardDecisionKind, DecisionRule> = {
  approve: { from: ['proposed'], to: 'approved', needsReason: false, needsAmount: false },
  change: { from: ['proposed', 'approved'], to: 'approved', needsReason: true, needsAmount: true },
  refuse: { from: ['proposed', 'approved'], to: 'refused', needsReason: true, needsAmount: false },
  pay: { from: ['approved'], to: 'paid', needsReason: false, needsAmount: false },
};

export type RewardDecisionResult =
  | { ok: true; to: RewardStatus }
  | { ok: false; error: 'REWARD_DECISION_NOT_ALLOWED' | 'REWARD_REASON_REQUIRED' | 'REWARD_AMOUNT_REQUIRED' };

export function decideReward(
  status: RewardStatus,
  decision: RewardDecisionKind,
  input: { amount?: number; reason?: string },
): RewardDecisionResult {
  const rule = DECISION_RULES[decision];
  if (!rule.from.includes(status)) return { ok: false, error: 'REWARD_DECISION_NOT_ALLOWED' };
  if (rule.needsAmount && input.amount === undefined) return { ok: false, error: 'REWARD_AMOUNT_REQUIRED' };
  if (rule.needsReason && !input.reason?.trim()) return { ok: false, error: 'REWARD_REASON_REQUIRED' };
  return { ok: true, to: rule.to };
}
