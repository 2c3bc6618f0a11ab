import { FreeText, calloutsApi, hazardsApi, tipsApi, type ApiClient } from '@yingji/shared';
import { ManualClock } from '../../server/src/core/clock';
import { CalloutModel } from '../../server/src/callouts/callout.model';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { seedDemo } from '../../server/src/people/seed';
import { TipModel } from '../../server/src/tips/tip.model';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';
import { PLACES, apiError } from './helpers';

/**
 * Free text made of nothing a reader can see (zero-width characters, bidi overrides, NUL, lone
 * surrogates) is refused with TEXT_EMPTY everywhere a person types text; bidi controls and other
 * invisible characters are stripped from what is stored.
 */
useTestDatabase();

const INVISIBLE: [string, string][] = [
  ['zero-width spaces', '\u200b\u200b\u200b'],
  ['a bidi override', '\u202e'],
  ['bidi isolates and marks', '\u2066\u200f\u2069'],
  ['NUL characters', '\u0000\u0000'],
  ['a lone surrogate', '\ud800'],
  ['a BOM, a word joiner and a zero-width joiner', '\ufeff\u2060\u200d'],
  ['control characters and ideographic spaces', '\u0007\u3000\u001b'],
];

describe('the free-text rule (shared schema)', () => {
  const text = FreeText(20, { required: '请描述' });
  it.each(INVISIBLE)('refuses text made only of %s', (_name, value) => {
    const r = text.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      message: '内容不能为空，也不能只有不可见字符',
      params: { code: 'TEXT_EMPTY' },
    });
  });

  it.each([
    ['bidi controls', '燃气\u202e泄漏\u202c', '燃气泄漏'],
    ['NUL and zero-width spaces', ' 护栏\u0000缺\u200b失 ', '护栏缺失'],
    ['a lone surrogate, keeping a real pair', '路面\udc00塌陷😀', '路面塌陷😀'],
  ])('strips %s from stored text', (_name, value, stored) => {
    expect(text.parse(value)).toBe(stored);
  });

  it('keeps emoji sequences, line breaks and Chinese punctuation as typed', () => {
    expect(text.parse('家里👨‍👩‍👧\n三人，已转移！')).toBe('家里👨‍👩‍👧\n三人，已转移！');
  });

  it('leaves an empty text to the field’s own rule', () => {
    expect(text.safeParse('  ').error!.issues[0]!.message).toBe('请描述');
    expect(FreeText(20).optional().parse(undefined)).toBeUndefined();
  });
});

describe('free text over HTTP', () => {
  let srv: TestServer;
  let resident: ApiClient;
  let grid: ApiClient;
  let office: ApiClient;
  beforeAll(async () => {
    await seedDemo();
    srv = await startTestServer({ clock: new ManualClock('2026-06-01T02:00:00Z') });
    [resident, grid, office] = await Promise.all([
      srv.login('resident.demo', 'Resident@2024'),
      srv.login('grid.sq-01', 'Grid@2024'),
      srv.login('office', 'Office@2024'),
    ]);
  });
  afterAll(() => srv.close());

  it.each(INVISIBLE)(
    'refuses a tip, a hazard and a warning title made only of %s, storing nothing',
    async (_n, value) => {
      const refusal = { status: 400, code: 'TEXT_EMPTY', message: '内容不能为空，也不能只有不可见字符' };
      const tip = await apiError(
        tipsApi(resident).create({ category: 'gas', description: value, location: PLACES.sq01 }),
      );
      expect(tip).toMatchObject(refusal);
      expect(tip.details).toEqual([{ path: 'description', message: refusal.message, code: 'TEXT_EMPTY' }]);
      expect(await apiError(hazardsApi(grid).create({ description: value }))).toMatchObject(refusal);
      expect(await apiError(calloutsApi(office).create({ title: value, level: 'blue' }))).toMatchObject(refusal);
      expect(await TipModel.countDocuments()).toBe(0);
      expect(await HazardModel.countDocuments()).toBe(0);
      expect(await CalloutModel.countDocuments()).toBe(0);
    },
  );

  it('stores a tip and a hazard without the bidi controls and NULs they were sent with', async () => {
    const { id } = await tipsApi(resident).create({
      category: 'gas',
      description: '菜市场\u202e旁燃气\u0000管道有异味',
      location: { ...PLACES.sq01, address: '\u2067十直社区\u2069河堤' },
    });
    const tip = await TipModel.findById(id).lean();
    expect(tip!.description).toBe('菜市场旁燃气管道有异味');
    expect(tip!.location!.address).toBe('十直社区河堤');
    const h = await hazardsApi(grid).create({ description: '\u200b护栏\u202d缺失' });
    expect((await HazardModel.findById(h.id).lean())!.description).toBe('护栏缺失');
  });

  it('still answers VALIDATION_FAILED when other fields are wrong too', async () => {
    const err = await apiError(
      tipsApi(resident).create({ category: 'x' as 'gas', description: '\u200b', location: PLACES.sq01 }),
    );
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(err.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'description', code: 'TEXT_EMPTY' })]),
    );
  });
});
