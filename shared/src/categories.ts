/** Hazard categories (DOMAIN.md, from the seed §6–7) as stable codes with Chinese labels. */
export const HAZARD_CATEGORIES = [
  { code: 'hazchem', label: '危险化学品' },
  { code: 'fireworks', label: '烟花爆竹' },
  { code: 'mining', label: '非煤矿山' },
  { code: 'confined_space', label: '工贸-有限空间', group: '工贸' },
  { code: 'hot_work', label: '工贸-动火动焊', group: '工贸' },
  { code: 'dust_explosion', label: '工贸-粉尘涉爆', group: '工贸' },
  { code: 'ammonia_refrigeration', label: '工贸-涉氨制冷', group: '工贸' },
  { code: 'metallurgy', label: '工贸-金属冶炼', group: '工贸' },
  { code: 'molten_metal', label: '工贸-高温熔融', group: '工贸' },
  { code: 'industry_other', label: '工贸-其他', group: '工贸' },
  { code: 'road_traffic', label: '道路交通' },
  { code: 'construction', label: '建设施工' },
  { code: 'fire', label: '消防' },
  { code: 'gas', label: '燃气' },
  { code: 'flood_drought', label: '防汛抗旱' },
  { code: 'rockfall', label: '地震地灾-危岩', group: '地震地灾' },
  { code: 'landslide', label: '地震地灾-滑坡', group: '地震地灾' },
  { code: 'geo_other', label: '地震地灾-其他', group: '地震地灾' },
  { code: 'forest_fire', label: '森林防火' },
  { code: 'other', label: '其他' },
] as const satisfies ReadonlyArray<{ code: string; label: string; group?: string }>;

export type HazardCategory = (typeof HAZARD_CATEGORIES)[number]['code'];
export const HAZARD_CATEGORY_CODES = HAZARD_CATEGORIES.map((c) => c.code) as [HazardCategory, ...HazardCategory[]];

export function categoryLabel(code: string): string {
  return HAZARD_CATEGORIES.find((c) => c.code === code)?.label ?? code;
}
