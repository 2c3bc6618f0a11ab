import { OFFICE_ROLES, Scores, ScoresQuery } from '@yingji/shared';
import type { Module } from '../core/module';
import { computeScores, scoresWorkbook } from './service';

const tags = ['scores'];

/** Supervision scores 督查考核: per village and department, per month, explained and exportable. */
export const scoresModule: Module = {
  name: 'scores',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/scores',
        summary: '督查考核：各村（社区）和部门的月度得分及计分说明',
        tags,
        auth: OFFICE_ROLES,
        query: ScoresQuery,
        response: Scores,
      },
      ({ caller, query, services }) => computeScores(services, caller.town, query.month),
    );

    api.route(
      {
        method: 'get',
        path: '/api/scores.xlsx',
        summary: '导出督查考核（Excel）',
        tags,
        auth: OFFICE_ROLES,
        query: ScoresQuery,
        produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      async ({ caller, query, services, ctx }) => {
        const s = await computeScores(services, caller.town, query.month);
        ctx.set(
          'Content-Disposition',
          `attachment; filename*=UTF-8''${encodeURIComponent(`督查考核-${s.month}.xlsx`)}`,
        );
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        return scoresWorkbook(s);
      },
    );
  },
};
