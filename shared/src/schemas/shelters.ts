import { z } from 'zod';
import type { ApiClient, RequestOptions } from '../client';
import { LatLng, ObjectIdString } from './common';

/**
 * Request and answer schemas of the shelters capability: shelters 避难场所, hazard points with their
 * transfer plans 转移避险, transfer reports, and the resources of the one map 一张图 (rescue teams,
 * equipment).
 */

const Contact = z.object({
  name: z.string().trim().max(50).optional(),
  phone: z.string().trim().max(30).optional(),
});

export const ShelterCreate = z
  .object({
    code: z.string().trim().min(1).max(40).optional(),
    name: z.string().trim().min(1, '请填写避难场所名称').max(100),
    address: z.string().trim().max(200).optional(),
    location: LatLng,
    capacity: z.number().int().min(0, '容纳人数不能为负').max(1000000),
    contact: Contact.optional(),
    facilities: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
    open: z.boolean().optional(),
    villageId: ObjectIdString.optional(),
  })
  .strict()
  .meta({ id: 'ShelterCreate' });
export type ShelterCreate = z.infer<typeof ShelterCreate>;

export const ShelterOut = z
  .object({
    id: z.string(),
    code: z.string().optional(),
    name: z.string(),
    address: z.string().optional(),
    location: LatLng,
    capacity: z.number(),
    occupancy: z.number(),
    contact: Contact.optional(),
    facilities: z.array(z.string()),
    open: z.boolean(),
    villageId: z.string().optional(),
  })
  .meta({ id: 'Shelter' });
export type ShelterOut = z.infer<typeof ShelterOut>;

export const NearestShelterQuery = z.object({
  lat: z.coerce.number().min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间'),
  lng: z.coerce.number().min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间'),
  limit: z.coerce.number().int().min(1).max(20).default(3),
});

export const NearestShelter = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().optional(),
  distanceM: z.number(),
  capacity: z.number(),
  occupancy: z.number(),
  location: LatLng,
  contact: Contact.optional(),
});
export const NearestShelters = z.object({ items: z.array(NearestShelter) }).meta({ id: 'NearestShelters' });
export type NearestShelters = z.infer<typeof NearestShelters>;

/** A hazard point 隐患点 with its transfer plan: 何时转、转移谁、谁组织、转到哪、如何管. */
export const HazardPointCreate = z
  .object({
    code: z.string().trim().min(1).max(40).optional(),
    name: z.string().trim().min(1, '请填写隐患点名称').max(100),
    kind: z.string().trim().max(40).optional(),
    location: LatLng.optional(),
    gridId: ObjectIdString.optional(),
    villageId: ObjectIdString.optional(),
    /** 何时转: the trigger, e.g. 橙色及以上预警或连续强降雨 */
    trigger: z.string().trim().max(300).optional(),
    /** 转移谁: people (and households) to move. */
    residents: z.number().int().min(0).max(100000),
    households: z.number().int().min(0).max(100000).optional(),
    /** 谁组织 */
    organiser: Contact.optional(),
    /** 转到哪 */
    shelterId: ObjectIdString.optional(),
    /** 如何管 */
    management: z.string().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: 'HazardPointCreate' });
export type HazardPointCreate = z.infer<typeof HazardPointCreate>;

export const HazardPointOut = z
  .object({
    id: z.string(),
    code: z.string().optional(),
    name: z.string(),
    kind: z.string().optional(),
    location: LatLng.optional(),
    gridId: z.string().optional(),
    villageId: z.string().optional(),
    trigger: z.string().optional(),
    residents: z.number(),
    households: z.number().optional(),
    organiser: Contact.optional(),
    shelter: z.object({ id: z.string(), name: z.string() }).optional(),
    management: z.string().optional(),
    /** People reported moved so far (已转移). */
    moved: z.number(),
  })
  .meta({ id: 'HazardPoint' });
export type HazardPointOut = z.infer<typeof HazardPointOut>;

export const TransferCreate = z
  .object({
    count: z.number().int().min(1, '转移人数应大于 0').max(100000, '转移人数过大'),
    channel: z.string().trim().max(32).optional(),
    hazardPointId: ObjectIdString.optional(),
  })
  .strict()
  .meta({ id: 'TransferCreate' });
export type TransferCreate = z.infer<typeof TransferCreate>;

export const TransferResult = z
  .object({
    hazardPoint: z.object({ id: z.string(), name: z.string() }),
    moved: z.number(),
    planned: z.number(),
    shelter: z.object({ id: z.string(), name: z.string(), occupancy: z.number(), capacity: z.number() }).optional(),
  })
  .meta({ id: 'TransferResult' });
export type TransferResult = z.infer<typeof TransferResult>;

/** The office's live view of an evacuation: planned vs moved by hazard point, occupancy by shelter. */
export const EvacuationStatus = z
  .object({
    hazardPoints: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        planned: z.number(),
        moved: z.number(),
        shelterId: z.string().optional(),
      }),
    ),
    shelters: z.array(z.object({ id: z.string(), name: z.string(), capacity: z.number(), occupancy: z.number() })),
    totals: z.object({ planned: z.number(), moved: z.number(), capacity: z.number(), occupancy: z.number() }),
  })
  .meta({ id: 'EvacuationStatus' });
export type EvacuationStatus = z.infer<typeof EvacuationStatus>;

export const RescueTeamCreate = z
  .object({
    name: z.string().trim().min(1, '请填写队伍名称').max(100),
    kind: z.string().trim().max(40).optional(),
    leader: Contact.optional(),
    members: z
      .array(Contact.extend({ name: z.string().trim().min(1).max(50) }))
      .max(500)
      .optional(),
    memberCount: z.number().int().min(0).max(10000).optional(),
    location: LatLng,
    villageId: ObjectIdString.optional(),
  })
  .strict()
  .meta({ id: 'RescueTeamCreate' });
export type RescueTeamCreate = z.infer<typeof RescueTeamCreate>;

export const EquipmentCreate = z
  .object({
    name: z.string().trim().min(1, '请填写装备名称').max(100),
    kind: z.string().trim().max(40).optional(),
    count: z.number().int().min(0).max(1000000),
    unit: z.string().trim().max(10).optional(),
    keptAt: z.string().trim().max(200).optional(),
    keeper: Contact.optional(),
    location: LatLng,
    villageId: ObjectIdString.optional(),
  })
  .strict()
  .meta({ id: 'EquipmentCreate' });
export type EquipmentCreate = z.infer<typeof EquipmentCreate>;

export const MAP_LAYERS = [
  'villages',
  'grids',
  'shelters',
  'hazardPoints',
  'rescueTeams',
  'equipment',
  'openHazards',
] as const;
export const MapLayerId = z.enum(MAP_LAYERS);

const Position = z.tuple([z.number(), z.number()]);

/** A GeoJSON Feature (RFC 7946): coordinates are [lng, lat]; areas are polygons (outer ring only). */
export const MapFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Point'), coordinates: Position }),
    z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(Position)) }),
  ]),
  properties: z.record(z.string(), z.unknown()),
});
export type MapFeature = z.infer<typeof MapFeature>;

/** A raster base map to draw under the layers, when the server has a tile key (天地图). */
export const MapBase = z.object({
  name: z.string(),
  /** Leaflet-style URL templates ({s}, {z}, {x}, {y}); the first is the map, the rest its labels. */
  urls: z.array(z.string()),
  subdomains: z.string(),
  attribution: z.string(),
});
export type MapBase = z.infer<typeof MapBase>;

export const MapLayers = z
  .object({
    layers: z.array(
      z.object({
        id: MapLayerId,
        name: z.string(),
        type: z.literal('FeatureCollection'),
        features: z.array(MapFeature),
      }),
    ),
    /** Absent without a tile key: the layers are drawn on a plain background (works offline). */
    base: MapBase.optional(),
  })
  .meta({ id: 'MapLayers' });
export type MapLayers = z.infer<typeof MapLayers>;

export const sheltersApi = (c: ApiClient) => ({
  nearest: (lat: number, lng: number, limit?: number) =>
    c.get<NearestShelters>('/api/shelters/nearest', { lat, lng, limit }),
  list: () => c.get<{ items: ShelterOut[] }>('/api/shelters'),
  create: (body: ShelterCreate) => c.post<ShelterOut>('/api/shelters', body),
  hazardPoints: () => c.get<{ items: HazardPointOut[] }>('/api/hazard-points'),
  createHazardPoint: (body: HazardPointCreate) => c.post<HazardPointOut>('/api/hazard-points', body),
  reportTransfer: (body: TransferCreate, opts?: RequestOptions) =>
    c.create<TransferResult>('/api/transfers', body, opts),
  evacuation: () => c.get<EvacuationStatus>('/api/evacuation'),
  mapLayers: (layers?: string) => c.get<MapLayers>('/api/map/layers', { layers }),
});
