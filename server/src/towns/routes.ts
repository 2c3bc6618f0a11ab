import { z } from 'zod';
import {
  AuditEntry,
  OFFICE_ROLES,
  ObjectIdString,
  TownAdminCreate,
  TownConfigOut,
  TownConfigPatch,
  TownCreate,
  TownOut,
} from '@yingji/shared';
import { Types } from 'mongoose';
import { auditLog } from '../audit/service';
import type { Module } from '../core/module';
import { loadTownConfig } from './config';
import { configView, createTown, createTownAdmin, patchTownConfig, toTownOut, visibleTowns } from './service';

/** Towns (platform administrator), the town's settings (its admin) and their audit log. */
export const townsModule: Module = {
  name: 'towns',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/towns',
        summary: '新建乡镇（平台管理员）',
        tags: ['towns'],
        auth: ['platform'],
        body: TownCreate,
        status: 201,
        response: TownOut,
      },
      async ({ caller, body, services }) => toTownOut(await createTown(services, caller, body)),
    );
    api.route(
      {
        method: 'get',
        path: '/api/towns',
        summary: '可查看的乡镇（平台：全部；县应急局：本县；其他：本镇）',
        tags: ['towns'],
        response: z.object({ items: z.array(TownOut) }),
      },
      async ({ caller }) => ({ items: await visibleTowns(caller) }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/towns/:id/admins',
        summary: '为乡镇添加第一位管理员或县应急局账号（平台管理员）',
        tags: ['towns'],
        auth: ['platform'],
        params: z.object({ id: ObjectIdString }),
        body: TownAdminCreate,
        status: 201,
        response: z.object({ id: z.string(), username: z.string(), role: z.string() }),
      },
      async ({ caller, params, body, services }) => {
        const u = await createTownAdmin(services, caller, new Types.ObjectId(params.id), body);
        return { id: String(u._id), username: u.username, role: u.role };
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/town/config',
        summary: '本镇设置',
        tags: ['towns'],
        auth: OFFICE_ROLES,
        response: TownConfigOut,
      },
      async ({ caller }) => configView(await loadTownConfig(caller.town)),
    );
    api.route(
      {
        method: 'patch',
        path: '/api/town/config',
        summary: '修改本镇设置（逐项合并，整体校验，记入操作日志）',
        tags: ['towns'],
        auth: ['admin'],
        body: TownConfigPatch,
        response: TownConfigOut,
      },
      ({ caller, body, services }) => patchTownConfig(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/town/audit',
        summary: '本镇操作日志（谁、何时、改前、改后）',
        tags: ['towns'],
        auth: OFFICE_ROLES,
        response: z.object({ items: z.array(AuditEntry) }),
      },
      async ({ caller }) => ({ items: await auditLog(caller.town) }),
    );
  },
};
