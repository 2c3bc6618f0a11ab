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

/**
 * What a resident chooses from (随手拍): a handful of everyday words, each mapped to one of the
 * office's categories above (the office can still change it at triage). No jargon such as 工贸-涉氨制冷.
 */
export const RESIDENT_CATEGORIES = [
  { code: 'water', label: '河水、积水、山洪', hint: '河堤裂缝、水位上涨、路面积水', category: 'flood_drought' },
  { code: 'slope', label: '山体、落石、滑坡', hint: '山上掉石头、坡上有裂缝', category: 'landslide' },
  { code: 'fire', label: '着火、冒烟、电线', hint: '房子或院子冒烟、电线打火', category: 'fire' },
  { code: 'forest', label: '山林野外用火', hint: '烧荒、上坟烧纸、林中冒烟', category: 'forest_fire' },
  { code: 'gas', label: '燃气、煤气罐', hint: '闻到燃气味、煤气罐放得危险', category: 'gas' },
  { code: 'road', label: '道路、桥梁', hint: '路塌了、桥坏了、没有护栏', category: 'road_traffic' },
  { code: 'building', label: '房屋、工地', hint: '危房、墙歪了、工地不安全', category: 'construction' },
  { code: 'other', label: '其他危险', hint: '以上都不是', category: 'other' },
] as const satisfies ReadonlyArray<{ code: string; label: string; hint: string; category: HazardCategory }>;
export type ResidentCategory = (typeof RESIDENT_CATEGORIES)[number]['code'];

/** The office category a resident's choice is filed under. */
export function officeCategoryOf(choice: string): HazardCategory {
  return RESIDENT_CATEGORIES.find((c) => c.code === choice)?.category ?? 'other';
}
