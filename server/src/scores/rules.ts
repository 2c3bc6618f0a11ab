/**
 * Pure formulas of the supervision scores 督查考核 (no I/O; tested as tables). A unit (a village or a
 * department) gets, for a month, up to four rated figures; each is a count out of a count. The
 * score is the weighted mean of the rates of the figures that have data, on 100:
 *
 *   score = Σ (weight × rate) / Σ weight × 100, over the figures with a denominator > 0
 *
 * so a village with no warning that month is neither rewarded nor punished for it. Median times
 * are reported beside the score, not scored.
 */
import { median } from '../drills/rules';

export const FIGURES = ['calloutConfirmation', 'hazardsOnTime', 'drillAttendance', 'incidentsWithinHour'] as const;
export type FigureId = (typeof FIGURES)[number];

export const FIGURE_LABELS: Record<FigureId, { name: string; of: string; done: string }> = {
  calloutConfirmation: { name: '叫应确认率', of: '应叫应', done: '已确认' },
  hazardsOnTime: { name: '隐患按期整改销号率', of: '本月到期隐患', done: '按期销号' },
  drillAttendance: { name: '演练到场率', of: '应参演', done: '实到' },
  incidentsWithinHour: { name: '事件信息一小时内上报率', of: '应上报事件', done: '一小时内上报' },
};

export interface Figure {
  done: number;
  of: number;
}
export type Figures = Partial<Record<FigureId, Figure>>;
export type Weights = Record<FigureId, number>;

/** A rate, or null when there is nothing to rate. */
export const rate = (f?: Figure | null): number | null => (f && f.of > 0 ? f.done / f.of : null);

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const pts = (n: number) => n.toFixed(1);

export interface ScoreResult {
  score: number | null;
  /** The explanation, one line per figure, then the sum: what an office reads to check the number. */
  lines: string[];
}

export function scoreOf(figures: Figures, weights: Weights, medians: { label: string; seconds: number | null }[] = []) {
  const lines: string[] = [];
  let earned = 0;
  let possible = 0;
  for (const id of FIGURES) {
    const f = figures[id];
    const r = rate(f);
    const l = FIGURE_LABELS[id];
    if (r === null || !f) {
      lines.push(`${l.name}：本月无数据，不计分`);
      continue;
    }
    const w = weights[id];
    earned += w * r;
    possible += w;
    lines.push(
      `${l.name}：${l.of} ${f.of}，${l.done} ${f.done}，${f.done}/${f.of} = ${pct(r)}，权重 ${w} 分，得 ${pts(w * r)} 分`,
    );
  }
  for (const m of medians)
    lines.push(`${m.label}：${m.seconds === null ? '无数据' : `${Math.round(m.seconds)} 秒`}（仅供参考，不计分）`);
  const score = possible > 0 ? Math.round((earned / possible) * 1000) / 10 : null;
  lines.push(
    score === null
      ? '总分：本月无可计分数据'
      : `总分：${pts(earned)} / ${pts(possible)} × 100 = ${score.toFixed(1)} 分`,
  );
  return { score, lines } satisfies ScoreResult;
}

/** Count items into a figure: `of` all, `done` those passing the test. */
export function tally<T>(items: readonly T[], done: (t: T) => boolean): Figure {
  return { of: items.length, done: items.filter(done).length };
}

export { median };
