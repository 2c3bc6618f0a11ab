import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { HazardAction, HazardLevel, HazardStatus } from '@yingji/shared';

/**
 * The pure rules of the hazard list: who may do what in which state, deadlines by level, readable
 * codes, routing by category, and how a change moves the dashboard counters. No I/O; tables test them.
 */

dayjs.extend(utc);
dayjs.extend(timezone);
export const TIME_ZONE = 'Asia/Shanghai';

/** How the caller relates to a hazard; a caller may have several relations. */
export type Relation = 'office' | 'cadre' | 'grid' | 'responsible';

interface ActionRule {
  from: readonly HazardStatus[] | 'any';
  /** null: the status does not change. */
  to: HazardStatus | null;
  by: readonly Relation[];
}

const EVERYONE: readonly Relation[] = ['office', 'cadre', 'grid', 'responsible'];

export const ACTION_RULES: Record<HazardAction, ActionRule> = {
  assign: { from: ['accepted', 'assigned'], to: 'assigned', by: ['office', 'cadre'] },
  start: { from: ['assigned'], to: 'rectifying', by: EVERYONE },
  submit: { from: ['rectifying'], to: 'awaiting_reinspection', by: EVERYONE },
  // Closing is the office's re-inspection (复核销号); so is sending it back.
  close: { from: ['awaiting_reinspection'], to: 'closed', by: ['office'] },
  reopen: { from: ['awaiting_reinspection', 'closed'], to: 'rectifying', by: ['office'] },
  comment: { from: 'any', to: null, by: EVERYONE },
};

export type Decision =
  { ok: true; to: HazardStatus } | { ok: false; error: 'FORBIDDEN' | 'HAZARD_TRANSITION_NOT_ALLOWED' };

/** Whether an action is allowed: the role first (403), then the state (409). */
export function decide(status: HazardStatus, action: HazardAction, relations: readonly Relation[]): Decision {
  const rule = ACTION_RULES[action];
  if (!rule.by.some((r) => relations.includes(r))) return { ok: false, error: 'FORBIDDEN' };
  if (rule.from !== 'any' && !rule.from.includes(status)) return { ok: false, error: 'HAZARD_TRANSITION_NOT_ALLOWED' };
  return { ok: true, to: rule.to ?? status };
}

/**
 * The evidence an action must carry. 复核销号 (close) is the office's re-inspection: the work plan's
 * 销号 needs its record, so a note of what was checked and at least one photo of the site.
 */
export function missingEvidence(
  action: HazardAction,
  input: { note?: string | null; mediaIds?: readonly unknown[] | null },
): 'HAZARD_CLOSE_EVIDENCE_REQUIRED' | null {
  if (action !== 'close') return null;
  if (!input.note?.trim() || !input.mediaIds?.length) return 'HAZARD_CLOSE_EVIDENCE_REQUIRED';
  return null;
}

export const isOpen = (status: HazardStatus) => status !== 'closed';

/** The rectification deadline: the level's number of days after the given time. */
export function deadlineFor(level: HazardLevel, from: Date, days: Record<HazardLevel, number>): Date {
  return new Date(from.getTime() + days[level] * 24 * 3600 * 1000);
}

/** `SZ-2024-0012`: town code, year, sequence (four digits, more when needed). */
export function formatHazardCode(townCode: string, year: number, seq: number): string {
  return `${townCode.toUpperCase()}-${year}-${String(seq).padStart(4, '0')}`;
}

/** `SZ-JB-2024-0001` for tips (举报), so they are never mistaken for hazard codes. */
export function formatTipCode(townCode: string, year: number, seq: number): string {
  return `${townCode.toUpperCase()}-JB-${year}-${String(seq).padStart(4, '0')}`;
}

/** Year and month as the office counts them, in China time. */
export function localYear(at: Date): number {
  return dayjs(at).tz(TIME_ZONE).year();
}
export function localMonth(at: Date): string {
  return dayjs(at).tz(TIME_ZONE).format('YYYY-MM');
}
export function formatLocal(at: Date | null | undefined, pattern = 'YYYY-MM-DD HH:mm'): string {
  return at ? dayjs(at).tz(TIME_ZONE).format(pattern) : '';
}

/** Default routing table, used for categories the town's `departmentByCategory` does not name. */
export const DEFAULT_DEPARTMENTS: Record<string, string> = {
  hazchem: '镇应急办',
  fireworks: '镇应急办',
  mining: '镇应急办',
  confined_space: '镇应急办',
  hot_work: '镇应急办',
  dust_explosion: '镇应急办',
  ammonia_refrigeration: '镇应急办',
  metallurgy: '镇应急办',
  molten_metal: '镇应急办',
  industry_other: '镇应急办',
  road_traffic: '镇交通安全管理办公室',
  construction: '镇规划建设管理环保办',
  fire: '镇消防安全管理办公室',
  gas: '镇规划建设管理环保办',
  flood_drought: '镇农业服务中心（水利）',
  rockfall: '镇规划建设管理环保办（地灾）',
  landslide: '镇规划建设管理环保办（地灾）',
  geo_other: '镇规划建设管理环保办（地灾）',
  forest_fire: '镇林业站',
  other: '镇应急办',
};

export function departmentFor(category: string, table: Record<string, string>): string {
  return table[category] ?? DEFAULT_DEPARTMENTS[category] ?? '镇应急办';
}

/** What the dashboard counters need to know about a hazard at one moment. */
export interface CounterState {
  status: HazardStatus;
  level: HazardLevel;
  category: string;
  village?: string | null;
  overdue: boolean;
  closedAt?: Date | null;
  closedOnTime?: boolean | null;
}

/**
 * The `$inc` that moves the counters from one state of a hazard to the next (null: it did not
 * exist). Open hazards are counted by level, category and village; closures by month, on time or late.
 */
export function counterDelta(before: CounterState | null, after: CounterState | null): Record<string, number> {
  const inc: Record<string, number> = {};
  const add = (key: string, n: number) => (inc[key] = (inc[key] ?? 0) + n);
  const apply = (s: CounterState | null, sign: number) => {
    if (!s) return;
    if (isOpen(s.status)) {
      add('open.total', sign);
      add(`open.level.${s.level}`, sign);
      add(`open.category.${s.category}`, sign);
      add(`open.village.${s.village ?? 'none'}`, sign);
      if (s.overdue) add('open.overdue', sign);
    } else if (s.closedAt) {
      add(`closed.${localMonth(s.closedAt)}.${s.closedOnTime ? 'onTime' : 'late'}`, sign);
    }
  };
  apply(before, -1);
  apply(after, +1);
  for (const k of Object.keys(inc)) if (inc[k] === 0) delete inc[k];
  return inc;
}
