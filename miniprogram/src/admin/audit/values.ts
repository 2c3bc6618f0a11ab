/** One line of the audit log's change: what changed, in words, before and after. */
export interface Change {
  key: string;
  /** Left out for a change said in one word (新增 …, 已更换). */
  before?: string;
  after?: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);
const primitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A value the log has no words for, kept short: a list as its items or its size, never a JSON blob. */
export function short(v: unknown, max = 40): string {
  if (v === undefined || v === null || v === '') return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return clip(v, max);
  if (Array.isArray(v)) {
    if (v.length === 0) return '（空）';
    return v.every(primitive) ? clip(v.map((x) => short(x, max)).join('、'), max) : `${v.length} 项`;
  }
  return `${Object.keys(v as object).length} 项设置`;
}

/** 「（未设置）」「（默认）」「（无）」: no value before, so nothing to strike through. */
export const isPlaceholder = (text: string) => /^（[^（）]*）$/.test(text);
