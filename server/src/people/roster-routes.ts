import { z } from 'zod';
import { AppError, ChatBindCode, ObjectIdString, RosterImportReport, TOWN_ADMIN_ROLES, UserOut } from '@yingji/shared';
import { audit } from '../audit/service';
import { parseXlsx, uploadedXlsx } from '../core/excel-upload';
import type { Module } from '../core/module';
import { importRoster } from './roster';
import { toUserOut } from './service';
import { reactivateUser, staffBindCode } from './staff';

const Id = z.object({ id: ObjectIdString });

/** The roster from the console beyond add and edit: bring people back, bind their WeChat, import the Excel roster. */
export const rosterModule: Module = {
  name: 'roster',
  routes(api) {
    const admin = TOWN_ADMIN_ROLES;
    api.route(
      {
        method: 'post',
        path: '/api/users/:id/reactivate',
        summary: '恢复已停用的人员（停用时移交出去的隐患和包保对象不收回）',
        tags: ['people'],
        auth: admin,
        params: Id,
        response: UserOut,
      },
      async ({ caller, params, services }) => toUserOut(await reactivateUser(services, caller, params.id), caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/users/:id/bind-code',
        summary: '为在岗工作人员获取微信绑定码：本人向机器人发送“绑定 绑定码”（10 分钟内有效，一次有效）',
        tags: ['people'],
        auth: admin,
        params: Id,
        status: 201,
        response: ChatBindCode,
      },
      ({ caller, params, services }) => staffBindCode(services, caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/users/import',
        summary:
          '从 Excel 花名册导入人员（multipart 字段 file；列同命令 roster:import；有被拒绝的行则整个文件不导入；已有的人员不改动）',
        tags: ['people'],
        auth: admin,
        before: [parseXlsx],
        response: RosterImportReport,
      },
      async ({ caller, ctx, services }) => {
        const report = await importRoster(caller.town, uploadedXlsx(ctx), undefined, services.config.IMPORT_MAX_ROWS, {
          atomic: true,
          assignedBy: caller,
        });
        if (report.rejected.length) throw new AppError('ROSTER_IMPORT_REJECTED', { details: report });
        await audit(services, caller.town, caller, 'user.import', {
          after: { total: report.total, created: report.created, existing: report.existing },
        });
        return report;
      },
    );
  },
};
