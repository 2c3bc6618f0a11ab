import type { TipOut } from '@yingji/shared';
import { tipTimeline } from '../../miniprogram/src/services/timeline';

const base: TipOut = {
  id: 't1',
  code: 'SZ-JB-2026-0001',
  status: 'submitted',
  statusLabel: '待受理',
  category: 'flood_drought',
  categoryLabel: '防汛抗旱',
  description: '河堤裂缝',
  location: { lat: 29.785, lng: 107.88 },
  mediaIds: [],
  confidential: false,
  submittedAt: '2026-07-01T02:00:00.000Z',
};
const hazard = { id: 'h1', code: 'SZ-2026-0003', status: 'rectifying', statusLabel: '整改中' };

/** What the resident reads, step by step: [title, state] of each step. */
function read(tip: Partial<TipOut>): Array<[string, string]> {
  return tipTimeline({ ...base, ...tip } as TipOut).map((s) => [s.title, s.state]);
}

describe("a resident's tip as a timeline", () => {
  it.each<[string, Partial<TipOut>, Array<[string, string]>]>([
    [
      'waiting for the office',
      {},
      [
        ['已提交', 'done'],
        ['等待应急办核实', 'current'],
        ['整改', 'todo'],
        ['销号', 'todo'],
      ],
    ],
    [
      'rejected',
      { status: 'rejected', rejectReason: '照片看不清' },
      [
        ['已提交', 'done'],
        ['不予受理', 'bad'],
      ],
    ],
    [
      'accepted, being rectified',
      { status: 'accepted', hazard },
      [
        ['已提交', 'done'],
        ['已受理', 'done'],
        ['整改：整改中', 'current'],
        ['销号', 'todo'],
      ],
    ],
    [
      'closed and rewarded',
      {
        status: 'accepted',
        hazard: { ...hazard, status: 'closed', statusLabel: '已销号', closedAt: '2026-07-05T02:00:00.000Z' },
        reward: { id: 'r1', status: 'paid', statusLabel: '已发放', amount: 200 },
      },
      [
        ['已提交', 'done'],
        ['已受理', 'done'],
        ['整改：已完成', 'done'],
        ['已销号', 'done'],
        ['举报奖励：已发放，200 元', 'done'],
      ],
    ],
    [
      'a duplicate of an earlier report',
      { status: 'duplicate', hazard },
      [
        ['已提交', 'done'],
        ['已合并', 'done'],
        ['整改：整改中', 'current'],
        ['销号', 'todo'],
      ],
    ],
  ])('%s', (_case, tip, steps) => {
    expect(read(tip)).toEqual(steps);
  });

  it('shows the reason for a rejection and the time in Shanghai', () => {
    const steps = tipTimeline({ ...base, status: 'rejected', rejectReason: '照片看不清' });
    expect(steps[0].time).toBe('7月1日 10:00');
    expect(steps[1].note).toBe('原因：照片看不清');
  });
});
