import { categoryLabel } from '@yingji/shared';

/** Every decision in a reward's history in words, the system's proposal included. */
export const DECISION_WORDS: Record<string, string> = {
  propose: '系统建议',
  approve: '批准',
  change: '调整金额',
  refuse: '不予奖励',
  pay: '已发放',
};
const LEVEL_WORDS: Record<string, string> = { general: '一般隐患', major: '重大隐患' };

/** The reward rule in words: 等级=major，类别=fire：500 元 → 重大隐患，消防：500 元. */
export function ruleText(rule: string): string {
  return rule
    .replace(/等级=(\w+)/g, (_m, l: string) => LEVEL_WORDS[l] ?? l)
    .replace(/类别=(\w+)/g, (_m, c: string) => categoryLabel(c));
}
