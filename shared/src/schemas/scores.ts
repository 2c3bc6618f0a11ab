import { z } from 'zod';
import type { ApiClient } from '../client';

/** Request and answer schemas of the supervision scores 督查考核. */

export const ScoresQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
});

const FigureOut = z.object({ done: z.number(), of: z.number(), rate: z.number().nullable() });

export const UnitScore = z
  .object({
    unit: z.object({ kind: z.enum(['village', 'department']), id: z.string().optional(), name: z.string() }),
    figures: z.object({
      calloutConfirmation: FigureOut,
      hazardsOnTime: FigureOut,
      drillAttendance: FigureOut,
      incidentsWithinHour: FigureOut.nullable(),
    }),
    calloutMedianSeconds: z.number().nullable(),
    drillMedianSeconds: z.number().nullable(),
    /** Weighted mean of the figures with data, on 100; null when the unit has no data that month. */
    score: z.number().nullable(),
    /** The score explained line by line. */
    lines: z.array(z.string()),
  })
  .meta({ id: 'UnitScore' });
export type UnitScore = z.infer<typeof UnitScore>;

export const Scores = z
  .object({
    month: z.string(),
    weights: z.record(z.string(), z.number()),
    byVillage: z.array(UnitScore),
    byDepartment: z.array(UnitScore),
    /** What each figure counts, in words. */
    notes: z.array(z.string()),
  })
  .meta({ id: 'Scores' });
export type Scores = z.infer<typeof Scores>;

export const scoresApi = (c: ApiClient) => ({
  get: (month: string) => c.get<Scores>('/api/scores', { month }),
});
