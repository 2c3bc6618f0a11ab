import { z } from 'zod';
import {
  EquipmentCreate,
  MAP_LAYERS,
  MapLayers,
  OFFICE_ROLES,
  RescueTeamCreate,
  STAFF_ROLES,
  type MapLayers as MapLayersT,
} from '@yingji/shared';
import type { Module } from '../core/module';
import { villageOf } from '../shelters/service';
import { EquipmentModel, RescueTeamModel } from './model';
import { mapLayers } from './service';

const tags = ['resources'];

/** A layer's features back as plain items with their location, for lists. */
const asItems = (m: MapLayersT) =>
  m.layers[0]!.features.flatMap((f) =>
    f.geometry.type === 'Point'
      ? [
          {
            id: f.id.split(':')[1],
            ...f.properties,
            location: { lat: f.geometry.coordinates[1], lng: f.geometry.coordinates[0] },
          },
        ]
      : [],
  );

const idOut = z.object({ id: z.string(), name: z.string() });

/** Resources, one map 一张图: rescue teams, equipment, and every layer with a location. */
export const resourcesModule: Module = {
  name: 'resources',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/map/layers',
        summary: '一张图：村界、网格、避难场所、隐患点、救援队伍、装备、未销号隐患（GeoJSON 要素）',
        tags,
        auth: 'any',
        query: z.object({
          layers: z
            .string()
            .optional()
            .transform((s, ctx) => {
              if (!s) return undefined;
              const ids = s.split(',').map((x) => x.trim());
              const bad = ids.find((x) => !(MAP_LAYERS as readonly string[]).includes(x));
              if (bad) {
                ctx.addIssue({ code: 'custom', message: `图层“${bad}”不存在` });
                return z.NEVER;
              }
              return ids as (typeof MAP_LAYERS)[number][];
            }),
        }),
        response: MapLayers,
      },
      ({ caller, query, services }): Promise<MapLayersT> =>
        mapLayers(caller.town, caller.role, query.layers, { tiandituKey: services.config.TIANDITU_KEY }),
    );

    api.route(
      {
        method: 'get',
        path: '/api/rescue-teams',
        summary: '应急救援队伍',
        tags,
        auth: STAFF_ROLES,
        response: z.object({ items: z.array(z.unknown()) }),
      },
      async ({ caller }) => {
        const layer = await mapLayers(caller.town, caller.role, ['rescueTeams']);
        return { items: asItems(layer) };
      },
    );

    api.route(
      {
        method: 'post',
        path: '/api/rescue-teams',
        summary: '添加应急救援队伍',
        tags,
        auth: OFFICE_ROLES,
        body: RescueTeamCreate,
        status: 201,
        response: idOut,
      },
      async ({ caller, body }) => {
        const { villageId, ...rest } = body;
        const t = await RescueTeamModel.create({
          ...rest,
          town: caller.town,
          village: await villageOf(caller.town, villageId),
        });
        return { id: String(t._id), name: t.name };
      },
    );

    api.route(
      {
        method: 'get',
        path: '/api/equipment',
        summary: '应急装备',
        tags,
        auth: STAFF_ROLES,
        response: z.object({ items: z.array(z.unknown()) }),
      },
      async ({ caller }) => {
        const layer = await mapLayers(caller.town, caller.role, ['equipment']);
        return { items: asItems(layer) };
      },
    );

    api.route(
      {
        method: 'post',
        path: '/api/equipment',
        summary: '添加应急装备',
        tags,
        auth: OFFICE_ROLES,
        body: EquipmentCreate,
        status: 201,
        response: idOut,
      },
      async ({ caller, body }) => {
        const { villageId, ...rest } = body;
        const e = await EquipmentModel.create({
          ...rest,
          town: caller.town,
          village: await villageOf(caller.town, villageId),
        });
        return { id: String(e._id), name: e.name };
      },
    );
  },
};
