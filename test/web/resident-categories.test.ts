import { HAZARD_CATEGORY_CODES, RESIDENT_CATEGORIES, officeCategoryOf } from '@yingji/shared';

describe("the residents' plain-language categories", () => {
  it.each<[string, string]>([
    ['water', 'flood_drought'],
    ['slope', 'landslide'],
    ['fire', 'fire'],
    ['forest', 'forest_fire'],
    ['gas', 'gas'],
    ['road', 'road_traffic'],
    ['building', 'construction'],
    ['other', 'other'],
  ])('files %s under the office category %s', (choice, office) => {
    expect(officeCategoryOf(choice)).toBe(office);
  });

  it('are a handful, each mapped to a category the office has', () => {
    expect(RESIDENT_CATEGORIES.length).toBeLessThanOrEqual(9);
    for (const c of RESIDENT_CATEGORIES) expect(HAZARD_CATEGORY_CODES).toContain(c.category);
  });

  it('use everyday words, not the office jargon', () => {
    for (const c of RESIDENT_CATEGORIES) expect(`${c.label}${c.hint}`).not.toMatch(/工贸|涉氨|有限空间|非煤|-/);
  });

  it('files anything unknown under 其他', () => {
    expect(officeCategoryOf('no-such-choice')).toBe('other');
  });
});
