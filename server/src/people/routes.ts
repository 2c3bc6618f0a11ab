import { z } from 'zod';
import {
  GridOut,
  Me,
  OFFICE_ROLES,
  ObjectIdString,
  RoleSchema,
  STAFF_ROLES,
  UserCreate,
  UserOut,
  VillageOut,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { GridModel, UserModel, VillageModel } from './models';
import { createUser, me, toUserOut } from './service';
import { assertAssignableRole } from './staff';

export const peopleModule: Module = {
  name: 'people',
  routes(api) {
    api.route({ method: 'get', path: '/api/me', summary: '当前用户', tags: ['people'], response: Me }, ({ caller }) =>
      me(caller),
    );

    api.route(
      {
        method: 'get',
        path: '/api/users',
        summary: '本镇人员列表',
        tags: ['people'],
        auth: OFFICE_ROLES,
        query: z.object({
          role: RoleSchema.optional(),
          village: ObjectIdString.optional(),
          grid: ObjectIdString.optional(),
        }),
        response: z.object({ items: z.array(UserOut), total: z.number() }),
      },
      async ({ caller, query }) => {
        const filter: Record<string, unknown> = { town: caller.town };
        if (query.role) filter.role = query.role;
        if (query.village) filter.village = query.village;
        if (query.grid) filter.grids = query.grid;
        const users = await UserModel.find(filter).sort({ role: 1, name: 1 }).limit(2000).lean();
        return { items: users.map((u) => toUserOut(u, caller)), total: users.length };
      },
    );

    api.route(
      {
        method: 'post',
        path: '/api/users',
        summary: '添加人员',
        tags: ['people'],
        auth: OFFICE_ROLES,
        body: UserCreate,
        status: 201,
        response: UserOut,
      },
      async ({ caller, body, services }) => {
        assertAssignableRole(caller, body.role);
        const user = await createUser(caller.town, body, services.config);
        return toUserOut(user.toObject(), caller);
      },
    );

    api.route(
      {
        method: 'get',
        path: '/api/villages',
        summary: '本镇村（社区）',
        tags: ['people'],
        response: z.object({ items: z.array(VillageOut) }),
      },
      async ({ caller }) => {
        const items = await VillageModel.find({ town: caller.town, active: { $ne: false } })
          .sort({ code: 1 })
          .lean();
        return {
          items: items.map((v) => ({ id: String(v._id), code: v.code, name: v.name, kind: v.kind ?? 'village' })),
        };
      },
    );

    api.route(
      {
        method: 'get',
        path: '/api/grids',
        summary: '本镇网格',
        tags: ['people'],
        auth: STAFF_ROLES,
        query: z.object({ village: ObjectIdString.optional() }),
        response: z.object({ items: z.array(GridOut) }),
      },
      async ({ caller, query }) => {
        const filter: Record<string, unknown> = { town: caller.town, active: { $ne: false } };
        if (query.village) filter.village = query.village;
        const items = await GridModel.find(filter).sort({ code: 1 }).lean();
        return {
          items: items.map((g) => ({
            id: String(g._id),
            code: g.code,
            name: g.name,
            villageId: String(g.village),
            area: (g.area ?? []).map((p) => ({ lat: p.lat, lng: p.lng })),
          })),
        };
      },
    );
  },
};
