import type { TipOut } from '@yingji/shared';
import { formatTime } from '../text';

export interface TimelineStep {
  title: string;
  time?: string;
  note?: string;
  /** done: happened; current: where it is now; todo: still to come; bad: rejected. */
  state: 'done' | 'current' | 'todo' | 'bad';
}

/**
 * A resident's tip as a timeline (pure; tested in test/web/timeline.test.ts): submitted, the
 * office's decision (with the reason for a rejection), the hazard's rectification, and the reward.
 */
export function tipTimeline(tip: TipOut): TimelineStep[] {
  const steps: TimelineStep[] = [{ title: '已提交', time: formatTime(tip.submittedAt), state: 'done' }];
  if (tip.status === 'submitted') {
    steps.push({ title: '等待应急办核实', state: 'current' });
    steps.push({ title: '整改', state: 'todo' }, { title: '销号', state: 'todo' });
    return steps;
  }
  if (tip.status === 'rejected') {
    steps.push({ title: '不予受理', note: `原因：${tip.rejectReason || '未说明'}`, state: 'bad' });
    return steps;
  }
  steps.push(
    tip.status === 'duplicate'
      ? { title: '已合并', note: `已有人先行举报此处隐患${tip.hazard ? `（${tip.hazard.code}）` : ''}`, state: 'done' }
      : { title: '已受理', note: tip.hazard ? `隐患编号 ${tip.hazard.code}` : undefined, state: 'done' },
  );
  const h = tip.hazard;
  if (h) {
    const closed = h.status === 'closed';
    const doing = closed ? '已完成' : h.status === 'accepted' ? '等待安排整改' : h.statusLabel;
    steps.push({ title: `整改：${doing}`, state: closed ? 'done' : 'current' });
    steps.push(
      closed ? { title: '已销号', time: formatTime(h.closedAt), state: 'done' } : { title: '销号', state: 'todo' },
    );
  }
  const r = tip.reward;
  if (r) {
    const amount = r.amount !== undefined ? `，${r.amount} 元` : '';
    const state: TimelineStep['state'] =
      r.status === 'refused' ? 'bad' : r.status === 'paid' || r.status === 'approved' ? 'done' : 'current';
    steps.push({ title: `举报奖励：${r.statusLabel}${amount}`, state });
  }
  return steps;
}

export function tipStatusTag(tip: TipOut): string {
  if (tip.status === 'rejected') return 'tag tag-red';
  if (tip.status === 'submitted') return 'tag tag-orange';
  if (tip.hazard?.status === 'closed') return 'tag tag-green';
  return 'tag';
}
