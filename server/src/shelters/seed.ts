import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, LatLng } from '@yingji/shared';
import { GridModel, TownModel, VillageModel } from '../people/models';
import { EquipmentModel, RescueTeamModel } from '../resources/model';
import { HazardPointModel, ShelterModel } from './model';

/** The demo town's sample shelters, hazard points with transfer plans, rescue teams and equipment. */
export const DEMO_RESOURCES_FILE = path.resolve(__dirname, '..', '..', 'data', 'demo-resources.json');

const Contact = z.object({ name: z.string().optional(), phone: z.string().optional() });
const ResourcesFile = z.object({
  town: z.string(),
  shelters: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      address: z.string().optional(),
      location: LatLng,
      capacity: z.number(),
      contact: Contact.optional(),
      facilities: z.array(z.string()).optional(),
      open: z.boolean().optional(),
      village: z.string().optional(),
    }),
  ),
  hazardPoints: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      kind: z.string().optional(),
      location: LatLng,
      grid: z.string(),
      trigger: z.string().optional(),
      residents: z.number(),
      households: z.number().optional(),
      organiser: Contact.optional(),
      shelter: z.string().optional(),
      management: z.string().optional(),
    }),
  ),
  rescueTeams: z.array(
    z.object({
      name: z.string(),
      kind: z.string().optional(),
      leader: Contact.optional(),
      memberCount: z.number().optional(),
      members: z.array(Contact).optional(),
      location: LatLng,
      village: z.string().optional(),
    }),
  ),
  equipment: z.array(
    z.object({
      name: z.string(),
      kind: z.string().optional(),
      count: z.number(),
      unit: z.string().optional(),
      keptAt: z.string().optional(),
      keeper: Contact.optional(),
      location: LatLng,
      village: z.string().optional(),
    }),
  ),
});

export interface ResourcesSeedReport {
  created: { shelters: number; hazardPoints: number; rescueTeams: number; equipment: number };
}

/**
 * Load the sample resources into the demo town (seedDemo() must have run first). Idempotent:
 * entries are matched by code (shelters, hazard points) or name (teams, equipment) and left as
 * they are when they exist, counters included.
 */
export async function seedDemoResources(file = DEMO_RESOURCES_FILE, townCode?: string): Promise<ResourcesSeedReport> {
  const data = ResourcesFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const town = await TownModel.findOne({ code: (townCode ?? data.town).toUpperCase() }).lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  const [villages, grids] = await Promise.all([
    VillageModel.find({ town: town._id }).select('code').lean(),
    GridModel.find({ town: town._id }).select('code village').lean(),
  ]);
  const village = (code?: string) => villages.find((v) => v.code === code)?._id;
  const created = { shelters: 0, hazardPoints: 0, rescueTeams: 0, equipment: 0 };
  const upsert = async (
    m: { updateOne: (f: object, u: object, o: object) => Promise<{ upsertedCount: number }> },
    filter: object,
    doc: object,
  ) =>
    (await m.updateOne(filter, { $setOnInsert: { ...doc, town: town._id, sample: true } }, { upsert: true }))
      .upsertedCount;

  const shelterIds = new Map<string, unknown>();
  for (const s of data.shelters) {
    const { village: v, ...rest } = s;
    created.shelters += await upsert(
      ShelterModel as never,
      { town: town._id, code: s.code },
      { ...rest, village: village(v) },
    );
    shelterIds.set(s.code, (await ShelterModel.findOne({ town: town._id, code: s.code }).select('_id').lean())!._id);
  }
  for (const h of data.hazardPoints) {
    const grid = grids.find((g) => g.code === h.grid);
    const { grid: _g, shelter, ...rest } = h;
    created.hazardPoints += await upsert(
      HazardPointModel as never,
      { town: town._id, code: h.code },
      { ...rest, grid: grid?._id, village: grid?.village, shelter: shelter ? shelterIds.get(shelter) : undefined },
    );
  }
  for (const t of data.rescueTeams) {
    const { village: v, ...rest } = t;
    created.rescueTeams += await upsert(
      RescueTeamModel as never,
      { town: town._id, name: t.name },
      { ...rest, village: village(v) },
    );
  }
  for (const e of data.equipment) {
    const { village: v, ...rest } = e;
    created.equipment += await upsert(
      EquipmentModel as never,
      { town: town._id, name: e.name },
      { ...rest, village: village(v) },
    );
  }
  return { created };
}
