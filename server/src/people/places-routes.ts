import { z } from 'zod';
import {
  AppError,
  ChatGroupBindRequest,
  ChatGroupBindResult,
  ChatGroupOut,
  GridCreate,
  GridDetail,
  GridUpdate,
  GroupBindCode,
  GroupBindCodeRequest,
  OFFICE_ROLES,
  ObjectIdString,
  PlacesImportReport,
  PlacesImportRequest,
  RobotCreate,
  TOWN_ADMIN_ROLES,
  UserDeactivate,
  UserDeactivated,
  UserOut,
  UserUpdate,
  VillageCreate,
  VillageGroupCreate,
  VillageGroupOut,
  VillageUpdate,
} from '@yingji/shared';
import { Types } from 'mongoose';
import type { Module } from '../core/module';
import { bindGroupByCode, createGroupBindCode, listGroups, registerRobot, unbindGroup } from './groups';
import { importPlaces, parsePlaces } from './import-places';
import { GridModel } from './models';
import {
  createGrid,
  createVillage,
  createVillageGroup,
  gridDetail,
  listVillageGroups,
  retireGrid,
  retireVillage,
  updateGrid,
  updateVillage,
  updateVillageGroup,
} from './places';
import { toUserOut } from './service';
import { deactivateUser, updateUser } from './staff';

const Id = z.object({ id: ObjectIdString });
const VillageOutFull = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.enum(['village', 'community']),
  active: z.boolean(),
});

/** Managing a town's places, chat groups and roster from the console (the town's office or admin). */
export const placesModule: Module = {
  name: 'places',
  routes(api) {
    const admin = TOWN_ADMIN_ROLES;
    api.route(
      {
        method: 'post',
        path: '/api/villages',
        summary: '新建村（社区）',
        tags: ['places'],
        auth: admin,
        body: VillageCreate,
        status: 201,
        response: VillageOutFull,
      },
      ({ caller, body, services }) => createVillage(services, caller, body),
    );
    api.route(
      {
        method: 'patch',
        path: '/api/villages/:id',
        summary: '修改村（社区）',
        tags: ['places'],
        auth: admin,
        params: Id,
        body: VillageUpdate,
        response: VillageOutFull,
      },
      ({ caller, params, body, services }) => updateVillage(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/villages/:id/retire',
        summary: '撤销村（社区）（须先撤销其网格）',
        tags: ['places'],
        auth: admin,
        params: Id,
        response: VillageOutFull,
      },
      ({ caller, params, services }) => retireVillage(services, caller, params.id),
    );
    api.route(
      {
        method: 'get',
        path: '/api/villages/:id/groups',
        summary: '村民小组',
        tags: ['places'],
        auth: OFFICE_ROLES,
        params: Id,
        response: z.object({ items: z.array(VillageGroupOut) }),
      },
      async ({ caller, params }) => ({ items: await listVillageGroups(caller.town, params.id) }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/villages/:id/groups',
        summary: '新建村民小组',
        tags: ['places'],
        auth: admin,
        params: Id,
        body: VillageGroupCreate,
        status: 201,
        response: VillageGroupOut,
      },
      ({ caller, params, body, services }) => createVillageGroup(services, caller, params.id, body.name),
    );
    api.route(
      {
        method: 'patch',
        path: '/api/village-groups/:id',
        summary: '修改或撤销村民小组',
        tags: ['places'],
        auth: admin,
        params: Id,
        body: z.object({ name: z.string().trim().min(1).max(50).optional(), active: z.boolean().optional() }),
        response: VillageGroupOut,
      },
      ({ caller, params, body, services }) => updateVillageGroup(services, caller, params.id, body),
    );

    api.route(
      {
        method: 'post',
        path: '/api/grids',
        summary: '新建网格（边界为 GeoJSON Polygon，WGS-84 [经度, 纬度]）',
        tags: ['places'],
        auth: admin,
        body: GridCreate,
        status: 201,
        response: GridDetail,
      },
      ({ caller, body, services }) => createGrid(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/grids/:id',
        summary: '网格及其边界',
        tags: ['places'],
        auth: OFFICE_ROLES,
        params: Id,
        response: GridDetail,
      },
      async ({ caller, params }) => {
        const g = await GridModel.findOne({ _id: new Types.ObjectId(params.id), town: caller.town }).lean();
        if (!g) throw new AppError('GRID_NOT_FOUND');
        return gridDetail(g);
      },
    );
    api.route(
      {
        method: 'patch',
        path: '/api/grids/:id',
        summary: '修改网格（改边界不会改动已分派的隐患和举报）',
        tags: ['places'],
        auth: admin,
        params: Id,
        body: GridUpdate,
        response: GridDetail,
      },
      ({ caller, params, body, services }) => updateGrid(services, caller, params.id, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/grids/:id/retire',
        summary: '撤销网格',
        tags: ['places'],
        auth: admin,
        params: Id,
        response: GridDetail,
      },
      ({ caller, params, services }) => retireGrid(services, caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/api/places/import',
        summary: '导入网格边界（GeoJSON、KML 或 Excel 角点表；有被拒绝的行则整个文件不导入）',
        tags: ['places'],
        auth: admin,
        body: PlacesImportRequest,
        response: PlacesImportReport,
      },
      async ({ caller, body, services }) => {
        const report = await importPlaces(services, caller, await parsePlaces(body.format, body.content));
        if (report.rejected.length) throw new AppError('PLACES_IMPORT_REJECTED', { details: report });
        return report;
      },
    );

    // ---- chat groups ----
    api.route(
      {
        method: 'get',
        path: '/api/chat-groups',
        summary: '本镇的群（微信群、企业微信群、群机器人）',
        tags: ['places'],
        auth: OFFICE_ROLES,
        response: z.object({ items: z.array(ChatGroupOut) }),
      },
      async ({ caller }) => ({ items: await listGroups(caller.town) }),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat-groups/robots',
        summary: '登记企业微信群机器人（Webhook key）',
        tags: ['places'],
        auth: admin,
        body: RobotCreate,
        status: 201,
        response: ChatGroupOut,
      },
      ({ caller, body, services }) => registerRobot(services, caller, body),
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat-groups/bind-code',
        summary: '获取群绑定码：在群里发送“绑定群 绑定码”即把该群绑定到网格或村（30 分钟内有效，一次有效）',
        tags: ['places'],
        auth: admin,
        body: GroupBindCodeRequest,
        status: 201,
        response: GroupBindCode,
      },
      ({ caller, body, services }) => createGroupBindCode(services, caller, body),
    );
    api.route(
      {
        method: 'delete',
        path: '/api/chat-groups/:id',
        summary: '解除群绑定',
        tags: ['places'],
        auth: admin,
        params: Id,
      },
      async ({ caller, params, services }) => {
        await unbindGroup(services, caller, params.id);
      },
    );
    api.route(
      {
        method: 'post',
        path: '/api/chat/bind-group',
        summary: '聊天机器人：用群绑定码把群绑定到网格或村',
        tags: ['chat'],
        auth: 'bot',
        body: ChatGroupBindRequest,
        response: ChatGroupBindResult,
      },
      ({ body, services }) => bindGroupByCode(services, body),
    );

    // ---- roster ----
    api.route(
      {
        method: 'patch',
        path: '/api/users/:id',
        summary: '修改人员（姓名、角色、手机号、村、网格、上级、企业微信账号、部门、密码）',
        tags: ['people'],
        auth: admin,
        params: Id,
        body: UserUpdate,
        response: UserOut,
      },
      async ({ caller, params, body, services }) =>
        toUserOut(await updateUser(services, caller, params.id, body), caller),
    );
    api.route(
      {
        method: 'post',
        path: '/api/users/:id/deactivate',
        summary: '停用人员，把未销号隐患、包保对象和下级移交给接替人',
        tags: ['people'],
        auth: admin,
        params: Id,
        body: UserDeactivate,
        response: UserDeactivated,
      },
      ({ caller, params, body, services }) => deactivateUser(services, caller, params.id, body.successorId),
    );
  },
};
