import {
  assemblySeconds,
  isLate,
  median,
  outsideAssemblyArea,
  percentile,
  summarise,
} from '../../server/src/drills/rules';
import { isLate as incidentLate, oneHourFigure, reportUpDueAt, withinLimit } from '../../server/src/incidents/rules';
import { monthOf, monthRange } from '../../server/src/scores/month';
import { scoreOf } from '../../server/src/scores/rules';
import { byDistance, haversineM, insideCircle, pointInPolygon } from '../../server/src/shelters/geo';

const SQUARE = [
  { lat: 29.78, lng: 107.85 },
  { lat: 29.78, lng: 107.87 },
  { lat: 29.79, lng: 107.87 },
  { lat: 29.79, lng: 107.85 },
];

describe('distance on the earth (haversine)', () => {
  it.each([
    ['the same point', { lat: 29.78, lng: 107.85 }, { lat: 29.78, lng: 107.85 }, 0, 0],
    ['0.01° of latitude', { lat: 29.78, lng: 107.85 }, { lat: 29.79, lng: 107.85 }, 1111, 1112],
    ['0.01° of longitude at 29.8° N', { lat: 29.8, lng: 107.85 }, { lat: 29.8, lng: 107.86 }, 964, 966],
    ['Beijing to Shanghai', { lat: 39.9042, lng: 116.4074 }, { lat: 31.2304, lng: 121.4737 }, 1066000, 1069000],
  ])('%s', (_, a, b, min, max) => {
    const d = haversineM(a, b);
    expect(d).toBeGreaterThanOrEqual(min);
    expect(d).toBeLessThanOrEqual(max);
    expect(haversineM(b, a)).toBeCloseTo(d, 6);
  });

  it('sorts by distance and rounds to the metre', () => {
    const items = [
      { name: 'far', location: { lat: 29.8, lng: 107.85 } },
      { name: 'near', location: { lat: 29.781, lng: 107.85 } },
    ];
    expect(byDistance({ lat: 29.78, lng: 107.85 }, items).map((i) => [i.name, i.distanceM])).toEqual([
      ['near', 111],
      ['far', 2224],
    ]);
  });
});

describe('point in an assembly circle', () => {
  const c = { lat: 29.785, lng: 107.86 };
  it.each([
    ['the centre', c, 1, true],
    ['70 m away, radius 200 m', { lat: 29.7855, lng: 107.8605 }, 200, true],
    ['111.19 m away, radius 111.2 m', { lat: 29.786, lng: 107.86 }, 111.2, true],
    ['111 m away, radius 100 m', { lat: 29.786, lng: 107.86 }, 100, false],
  ])('%s → %s', (_, p, r, inside) => expect(insideCircle(p, c, r)).toBe(inside));
});

describe('point in a grid area', () => {
  it.each([
    ['inside', { lat: 29.785, lng: 107.86 }, true],
    ['outside to the north', { lat: 29.795, lng: 107.86 }, false],
    ['outside to the east', { lat: 29.785, lng: 107.88 }, false],
    ['on an edge', { lat: 29.78, lng: 107.86 }, true],
    ['on a corner', { lat: 29.79, lng: 107.87 }, true],
  ])('%s → %s', (_, p, inside) => expect(pointInPolygon(p, SQUARE)).toBe(inside));

  it('is never inside a polygon of fewer than three points', () => {
    expect(pointInPolygon({ lat: 29.78, lng: 107.85 }, SQUARE.slice(0, 2))).toBe(false);
  });
});

describe('median and percentiles', () => {
  it.each([
    [[], 50, null],
    [[7], 50, 7],
    [[3, 1, 2], 50, 2],
    [[4, 1, 3, 2], 50, 2.5],
    [[120, 600], 50, 360],
    [[1, 2, 3, 4, 5], 0, 1],
    [[1, 2, 3, 4, 5], 100, 5],
    [[1, 2, 3, 4, 5], 90, 4.6],
    [[10, 20, 30, 40], 25, 17.5],
  ])('%j at p%s → %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
    if (p === 50) expect(median(values)).toBe(expected);
  });

  it('refuses a percentile outside 0–100', () => expect(() => percentile([1], 101)).toThrow(RangeError));
});

describe('assembly time, lateness and the assembly area', () => {
  const start = new Date('2024-06-01T01:00:00Z');
  it.each([
    [0, 0],
    [125_000, 125],
    [125_400, 125],
    [125_600, 126],
    [-5_000, 0],
  ])('%s ms after the start → %s s', (ms, s) => expect(assemblySeconds(start, new Date(start.getTime() + ms))).toBe(s));

  it.each([
    [1799, 30, false],
    [1800, 30, false],
    [1801, 30, true],
    [601, 10, true],
  ])('%s s with a %s-minute target → late %s', (s, target, late) => expect(isLate(s, target)).toBe(late));

  const circle = { lat: 29.785, lng: 107.86, radiusM: 200 };
  it.each([
    ['no location', undefined, { assemblyPoint: circle }, false],
    ['no area set', { lat: 0, lng: 0 }, {}, false],
    ['inside the circle', { lat: 29.7855, lng: 107.8605 }, { assemblyPoint: circle }, false],
    ['outside the circle', { lat: 29.8, lng: 107.88 }, { assemblyPoint: circle }, true],
    ['inside the polygon only', { lat: 29.781, lng: 107.851 }, { assemblyPoint: circle, polygon: SQUARE }, false],
    ['outside both', { lat: 29.8, lng: 107.88 }, { assemblyPoint: circle, polygon: SQUARE }, true],
  ])('%s → outside %s', (_, p, area, outside) => expect(outsideAssemblyArea(p, area)).toBe(outside));

  it('summarises present, absent, median, max, late and outside', () => {
    expect(
      summarise([{ seconds: 125 }, { seconds: 300, outsideArea: true }, { seconds: 2400, late: true }, {}]),
    ).toEqual({ total: 4, present: 3, absent: 1, medianSeconds: 300, maxSeconds: 2400, late: 1, outsideArea: 1 });
    expect(summarise([])).toMatchObject({ medianSeconds: null, maxSeconds: null });
  });
});

describe('the one-hour rule', () => {
  const occurred = new Date('2024-06-10T02:00:00Z');
  const due = reportUpDueAt(occurred, 60);
  const min = (m: number) => new Date(occurred.getTime() + m * 60_000);

  it('is due one hour after it happened', () => expect(due.toISOString()).toBe('2024-06-10T03:00:00.000Z'));

  it.each([
    ['passed on at 59 min', min(59), min(200), false],
    ['passed on at 60 min', min(60), min(200), false],
    ['passed on at 61 min', min(61), min(200), true],
    ['not passed on, 60 min', null, min(60), false],
    ['not passed on, 60 min 1 s', null, new Date(min(60).getTime() + 1000), true],
    ['not passed on, 61 min', null, min(61), true],
  ])('%s → late %s', (_, up, now, late) => {
    expect(incidentLate(due, up, now)).toBe(late);
    if (up) expect(withinLimit(due, up)).toBe(!late);
  });

  it('rates only incidents that are due: passed on, or late', () => {
    const now = min(90);
    expect(
      oneHourFigure(
        [
          { dueAt: due, reportedUpAt: min(30) }, // within
          { dueAt: due, reportedUpAt: min(75) }, // late
          { dueAt: due }, // late, never passed on
          { dueAt: reportUpDueAt(min(60), 60) }, // still inside its hour
        ],
        now,
      ),
    ).toEqual({ total: 4, due: 3, withinLimit: 1, late: 2, pending: 1, rate: 1 / 3 });
    expect(oneHourFigure([], now).rate).toBeNull();
  });
});

describe('months in the town’s time zone', () => {
  it.each([
    ['2024-06', '2024-05-31T16:00:00.000Z', '2024-06-30T16:00:00.000Z'],
    ['2024-12', '2024-11-30T16:00:00.000Z', '2024-12-31T16:00:00.000Z'],
    ['2024-02', '2024-01-31T16:00:00.000Z', '2024-02-29T16:00:00.000Z'],
  ])('%s runs from %s to %s', (m, from, to) => {
    const r = monthRange(m);
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual([from, to]);
  });
  it('puts 00:30 on 1 June in Shizhi in June', () => expect(monthOf(new Date('2024-05-31T16:30:00Z'))).toBe('2024-06'));
  it('refuses a malformed month', () => expect(() => monthRange('2024-6')).toThrow(RangeError));
});

describe('the score formula', () => {
  const w = { calloutConfirmation: 30, hazardsOnTime: 30, drillAttendance: 20, incidentsWithinHour: 20 };
  it.each([
    [
      'all perfect',
      {
        calloutConfirmation: { done: 5, of: 5 },
        hazardsOnTime: { done: 2, of: 2 },
        drillAttendance: { done: 3, of: 3 },
        incidentsWithinHour: { done: 1, of: 1 },
      },
      100,
    ],
    [
      'all zero',
      {
        calloutConfirmation: { done: 0, of: 5 },
        hazardsOnTime: { done: 0, of: 2 },
        drillAttendance: { done: 0, of: 3 },
        incidentsWithinHour: { done: 0, of: 1 },
      },
      0,
    ],
    ['no data at all', {}, null],
    [
      'only figures with a denominator count',
      { calloutConfirmation: { done: 1, of: 2 }, hazardsOnTime: { done: 0, of: 0 } },
      50,
    ],
    ['weighted', { calloutConfirmation: { done: 1, of: 1 }, drillAttendance: { done: 0, of: 1 } }, 60],
    ['rounded to one decimal', { calloutConfirmation: { done: 2, of: 3 } }, 66.7],
  ])('%s → %s', (_, figures, score) => expect(scoreOf(figures, w).score).toBe(score));

  it('says why a figure did not count', () => {
    expect(scoreOf({}, w).lines).toEqual([
      '叫应确认率：本月无数据，不计分',
      '隐患按期整改销号率：本月无数据，不计分',
      '演练到场率：本月无数据，不计分',
      '事件信息一小时内上报率：本月无数据，不计分',
      '总分：本月无可计分数据',
    ]);
  });
});
