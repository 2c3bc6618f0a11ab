import { CountyDashboard, CountyWarningCreate, CountyWarningResult } from '@yingji/shared';
import type { Module } from '../core/module';
import { countyDashboard, countyWarning } from './service';

/** The county bureau 县应急局: every town of its county side by side, and one warning to several towns. */
export const countyModule: Module = {
  name: 'county',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/county/dashboard',
        summary: '县级看板：各乡镇重大隐患、逾期隐患、未确认叫应、一小时上报率、最近演练',
        tags: ['county'],
        auth: ['county'],
        response: CountyDashboard,
      },
      ({ caller, services }) => countyDashboard(services, caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/county/warnings',
        summary: '县级预警：向多个乡镇同时发布（各镇按本镇的叫应对象和流程）',
        tags: ['county'],
        auth: ['county'],
        body: CountyWarningCreate,
        status: 201,
        response: CountyWarningResult,
      },
      ({ caller, body, services }) => countyWarning(services, caller, body),
    );
  },
};
