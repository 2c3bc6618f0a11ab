import type { HazardAction, HazardStatus } from '@yingji/shared';
import { distanceToPolygonM, haversineM, locate, pointInPolygon } from '../../server/src/tips/geo';
import {
  counterDelta,
  deadlineFor,
  decide,
  formatHazardCode,
  formatTipCode,
  localMonth,
  localYear,
  type Relation,
} from '../../server/src/hazards/rules';
import { decideReward, proposeReward, type RewardRule } from '../../server/src/rewards/rules';

const square = [
  { lat: 29.78, lng: 107.85 },
  { lat: 29.78, lng: 107.87 },
  { lat: 29.79, lng: 107.87 },
  { lat: 29.79, lng: 107.85 },
];

describe('distance and areas', () => {
  it.each([
    ['the same point', { lat: 29.78, lng: 107.85 }, { lat: 29.78, lng: 107.85 }, 0, 0.001],
    ['0.01° of latitude', { lat: 29.78, lng: 107.85 }, { lat: 29.79, lng: 107.85 }, 1112, 2],
    ['0.01° of longitude at 29.78°N', { lat: 29.78, lng: 107.85 }, { lat: 29.78, lng: 107.86 }, 965.7, 2],
    ['Beijing to Shanghai', { lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 }, 1_067_000, 3000],
  ])('measures %s', (_name, a, b, metres, tolerance) => {
    expect(Math.abs(haversineM(a, b) - metres)).toBeLessThanOrEqual(tolerance);
  });

  it.each([
    ['the middle', { lat: 29.785, lng: 107.86 }, true],
    ['just inside a corner', { lat: 29.7801, lng: 107.8501 }, true],
    ['north of it', { lat: 29.795, lng: 107.86 }, false],
    ['east of it', { lat: 29.785, lng: 107.875 }, false],
    ['far away', { lat: 0, lng: 0 }, false],
  ])('tells whether %s is in the area', (_name, p, inside) => {
    expect(pointInPolygon(p, square)).toBe(inside);
  });

  it('refuses areas of fewer than three points', () => {
    expect(pointInPolygon({ lat: 29.78, lng: 107.85 }, square.slice(0, 2))).toBe(false);
  });

  it.each([
    ['inside', { lat: 29.785, lng: 107.86 }, 0, 0.001],
    ['0.001° north of the top edge', { lat: 29.791, lng: 107.86 }, 111, 1],
    ['0.001° east of the east edge', { lat: 29.785, lng: 107.871 }, 96.6, 1],
  ])('measures the distance to an area from %s', (_name, p, metres, tol) => {
    expect(Math.abs(distanceToPolygonM(p, square) - metres)).toBeLessThanOrEqual(tol);
  });

  it('locates a point in its area, else in the nearest one', () => {
    const areas = [
      { name: 'A', area: square },
      { name: 'B', area: square.map((p) => ({ lat: p.lat + 0.01, lng: p.lng })) },
    ];
    expect(locate({ lat: 29.795, lng: 107.86 }, areas)).toMatchObject({ area: { name: 'B' }, inside: true });
    const outside = locate({ lat: 29.75, lng: 107.86 }, areas)!;
    expect(outside).toMatchObject({ area: { name: 'A' }, inside: false });
    expect(Math.round(outside.distanceM)).toBe(3336);
    expect(locate({ lat: 1, lng: 1 }, [])).toBeUndefined();
  });
});

describe('the hazard state machine', () => {
  const office: Relation[] = ['office'];
  const cadre: Relation[] = ['cadre'];
  const grid: Relation[] = ['grid'];
  const responsible: Relation[] = ['responsible'];
  const none: Relation[] = [];
  const cases: [HazardStatus, HazardAction, Relation[], string][] = [
    ['accepted', 'assign', office, 'assigned'],
    ['accepted', 'assign', cadre, 'assigned'],
    ['assigned', 'assign', office, 'assigned'],
    ['accepted', 'assign', grid, 'FORBIDDEN'],
    ['accepted', 'assign', responsible, 'FORBIDDEN'],
    ['rectifying', 'assign', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['closed', 'assign', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['assigned', 'start', responsible, 'rectifying'],
    ['assigned', 'start', grid, 'rectifying'],
    ['accepted', 'start', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['rectifying', 'start', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['rectifying', 'submit', responsible, 'awaiting_reinspection'],
    ['assigned', 'submit', responsible, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['awaiting_reinspection', 'close', office, 'closed'],
    ['awaiting_reinspection', 'close', cadre, 'FORBIDDEN'],
    ['awaiting_reinspection', 'close', responsible, 'FORBIDDEN'],
    ['rectifying', 'close', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['accepted', 'close', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['closed', 'close', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['awaiting_reinspection', 'reopen', office, 'rectifying'],
    ['closed', 'reopen', office, 'rectifying'],
    ['closed', 'reopen', grid, 'FORBIDDEN'],
    ['rectifying', 'reopen', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['accepted', 'reopen', office, 'HAZARD_TRANSITION_NOT_ALLOWED'],
    ['closed', 'comment', grid, 'closed'],
    ['rectifying', 'comment', responsible, 'rectifying'],
    ['rectifying', 'comment', none, 'FORBIDDEN'],
    ['assigned', 'start', none, 'FORBIDDEN'],
  ];
  it.each(cases)('from %s, %s by %j gives %s', (status, action, relations, expected) => {
    const d = decide(status, action, relations);
    expect(d.ok ? d.to : d.error).toBe(expected);
  });
});

describe('deadlines, codes and local time', () => {
  const days = { general: 30, major: 7 };
  it.each([
    ['general', '2024-05-01T02:00:00Z', '2024-05-31T02:00:00.000Z'],
    ['major', '2024-05-01T02:00:00Z', '2024-05-08T02:00:00.000Z'],
  ] as const)('gives a %s hazard found at %s until %s', (level, from, until) => {
    expect(deadlineFor(level, new Date(from), days).toISOString()).toBe(until);
  });

  it.each([
    ['SZ', 2024, 12, 'SZ-2024-0012', 'SZ-JB-2024-0012'],
    ['sz', 2024, 1, 'SZ-2024-0001', 'SZ-JB-2024-0001'],
    ['SZ', 2025, 12345, 'SZ-2025-12345', 'SZ-JB-2025-12345'],
  ])('formats %s %i #%i as %s', (town, year, seq, hazard, tip) => {
    expect(formatHazardCode(town, year, seq)).toBe(hazard);
    expect(formatTipCode(town, year, seq)).toBe(tip);
  });

  it.each([
    ['2024-12-31T15:59:59Z', 2024, '2024-12'],
    ['2024-12-31T16:00:00Z', 2025, '2025-01'], // midnight in China
  ])('counts %s in year %i and month %s (Asia/Shanghai)', (at, year, month) => {
    expect(localYear(new Date(at))).toBe(year);
    expect(localMonth(new Date(at))).toBe(month);
  });
});

describe('dashboard counters', () => {
  const base = { level: 'major' as const, category: 'fire', village: 'v1', overdue: false };
  const closedAt = new Date('2024-05-10T04:00:00Z');
  it.each([
    [
      'a new hazard',
      null,
      { ...base, status: 'accepted' as const },
      { 'open.total': 1, 'open.level.major': 1, 'open.category.fire': 1, 'open.village.v1': 1 },
    ],
    [
      'a step that changes no count',
      { ...base, status: 'accepted' as const },
      { ...base, status: 'assigned' as const },
      {},
    ],
    [
      'becoming overdue',
      { ...base, status: 'rectifying' as const },
      { ...base, status: 'rectifying' as const, overdue: true },
      { 'open.overdue': 1 },
    ],
    [
      'a late closure',
      { ...base, status: 'awaiting_reinspection' as const, overdue: true },
      { ...base, status: 'closed' as const, overdue: true, closedAt, closedOnTime: false },
      {
        'open.total': -1,
        'open.level.major': -1,
        'open.category.fire': -1,
        'open.village.v1': -1,
        'open.overdue': -1,
        'closed.2024-05.late': 1,
      },
    ],
    [
      'a reopening after an on-time closure',
      { ...base, status: 'closed' as const, closedAt, closedOnTime: true },
      { ...base, status: 'rectifying' as const },
      {
        'closed.2024-05.onTime': -1,
        'open.total': 1,
        'open.level.major': 1,
        'open.category.fire': 1,
        'open.village.v1': 1,
      },
    ],
    [
      'a change of level',
      { ...base, status: 'accepted' as const },
      { ...base, level: 'general' as const, status: 'assigned' as const },
      { 'open.level.major': -1, 'open.level.general': 1 },
    ],
  ])('moves the counters for %s', (_name, before, after, expected) => {
    expect(counterDelta(before, after)).toEqual(expected);
  });
});

describe('the reward rule table', () => {
  const rules: RewardRule[] = [
    { level: 'general', amount: 50 },
    { level: 'major', amount: 3000, fineShare: 0.15 },
    { category: 'gas', amount: 200 },
    { level: 'major', category: 'hazchem', amount: 5000, maxAmount: 8000, fineShare: 0.2 },
  ];
  it.each([
    ['a general hazard', 'general', 'fire', undefined, 50],
    ['a major hazard without a fine', 'major', 'fire', undefined, 3000],
    ['a major hazard with a small fine (the minimum applies)', 'major', 'fire', 10_000, 3000],
    ['a major hazard with a large fine (15% of it)', 'major', 'fire', 100_000, 15_000],
    ['a gas hazard (category beats level)', 'general', 'gas', undefined, 200],
    ['a major hazchem hazard (level and category beat both)', 'major', 'hazchem', 30_000, 6000],
    ['a major hazchem hazard with a huge fine (the maximum applies)', 'major', 'hazchem', 1_000_000, 8000],
  ] as const)('proposes for %s', (_name, level, category, fineAmount, amount) => {
    expect(proposeReward(rules, { level, category, fineAmount })?.amount).toBe(amount);
  });

  it('proposes nothing when no rule matches', () => {
    expect(proposeReward([{ level: 'major', amount: 1000 }], { level: 'general', category: 'fire' })).toBeNull();
  });

  it.each([
    ['proposed', 'approve', {}, 'approved'],
    ['proposed', 'change', { amount: 80, reason: '情节较重' }, 'approved'],
    ['approved', 'change', { amount: 80, reason: '复核调整' }, 'approved'],
    ['proposed', 'change', { amount: 80 }, 'REWARD_REASON_REQUIRED'],
    ['proposed', 'change', { reason: '调整' }, 'REWARD_AMOUNT_REQUIRED'],
    ['proposed', 'refuse', { reason: '举报不实' }, 'refused'],
    ['proposed', 'refuse', {}, 'REWARD_REASON_REQUIRED'],
    ['approved', 'pay', {}, 'paid'],
    ['proposed', 'pay', {}, 'REWARD_DECISION_NOT_ALLOWED'],
    ['paid', 'refuse', { reason: 'x' }, 'REWARD_DECISION_NOT_ALLOWED'],
    ['refused', 'approve', {}, 'REWARD_DECISION_NOT_ALLOWED'],
    ['paid', 'pay', {}, 'REWARD_DECISION_NOT_ALLOWED'],
  ] as const)('from %s, %s %j gives %s', (status, decision, input, expected) => {
    const d = decideReward(status, decision, input);
    expect(d.ok ? d.to : d.error).toBe(expected);
  });
});
