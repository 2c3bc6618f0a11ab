import { ruleText } from '../../services/rewards';
import { isObject, type Change } from './values';

/** A stored reward rule in the rewards page's words: 重大隐患，消防：500 元，或罚款的 15%（取高者），最多 2000 元. */
export function ruleWords(rule: unknown): string {
  const r = isObject(rule) ? rule : {};
  const when = [r.level ? `等级=${String(r.level)}` : '', r.category ? `类别=${String(r.category)}` : ''];
  let text = ruleText(
    `${when.filter(Boolean).join('，') || '默认'}：${typeof r.amount === 'number' ? r.amount : '?'} 元`,
  );
  if (typeof r.fineShare === 'number') text += `，或罚款的 ${Math.round(r.fineShare * 10000) / 100}%（取高者）`;
  if (typeof r.maxAmount === 'number') text += `，最多 ${r.maxAmount} 元`;
  return text;
}

/** Index pairs of the rules both lists keep unchanged (longest common subsequence). */
function kept(a: string[], b: string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      len[i]![j] = a[i] === b[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * The reward rule table's change: a rule edited in place as 奖励规则·第 1 条：before → after, the
 * rules added and taken out on one line (新增 第 3 条（…）；删除 原第 2 条（…）). Rules are matched by
 * content, so taking out the second rule does not read as every later rule changed.
 */
export function ruleChanges(before: unknown, after: unknown): Change[] {
  const a = (Array.isArray(before) ? before : []).map(ruleWords);
  const b = (Array.isArray(after) ? after : []).map(ruleWords);
  const out: Change[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  for (const [ki, kj] of [...kept(a, b), [a.length, b.length] as [number, number]]) {
    // Between two kept rules: pair what was there with what is there now; the rest is added or taken out.
    for (; i < ki && j < kj; i++, j++) out.push({ key: `奖励规则·第 ${j + 1} 条`, before: a[i], after: b[j] });
    for (; j < kj; j++) added.push(`第 ${j + 1} 条（${b[j]}）`);
    for (; i < ki; i++) removed.push(`原第 ${i + 1} 条（${a[i]}）`);
    i = ki + 1;
    j = kj + 1;
  }
  const parts = [added.length ? `新增 ${added.join('、')}` : '', removed.length ? `删除 ${removed.join('、')}` : ''];
  if (added.length || removed.length) out.push({ key: '奖励规则', after: parts.filter(Boolean).join('；') });
  return out;
}
