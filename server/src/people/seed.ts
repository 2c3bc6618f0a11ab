import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Types } from 'mongoose';
import { LatLng, ROLES } from '@yingji/shared';
import { hashPassword } from '../auth/passwords';
import { ChatGroupModel, CHAT_CHANNELS, GridModel, TownModel, UserModel, VillageModel } from './models';

/** The sample town's data file (十直镇 with invented villages, grids, staff and groups). */
export const DEMO_FILE = path.resolve(__dirname, '..', '..', 'data', 'demo-town.json');

const SeedFile = z.object({
  town: z.object({ code: z.string(), name: z.string(), county: z.string().optional(), center: LatLng.optional() }),
  villages: z.array(
    z.object({ code: z.string(), name: z.string(), kind: z.enum(['village', 'community']), center: LatLng.optional() }),
  ),
  grids: z.array(z.object({ code: z.string(), name: z.string(), village: z.string(), area: z.array(LatLng) })),
  users: z.array(
    z.object({
      username: z.string(),
      password: z.string(),
      role: z.enum(ROLES),
      name: z.string(),
      phone: z.string().optional(),
      village: z.string().optional(),
      grids: z.array(z.string()).optional(),
      superior: z.string().optional(),
      wecomUserId: z.string().optional(),
    }),
  ),
  chatGroups: z.array(
    z.object({
      channel: z.enum(CHAT_CHANNELS),
      externalId: z.string(),
      name: z.string(),
      grid: z.string().optional(),
      village: z.string().optional(),
    }),
  ),
});

export interface SeedReport {
  town: string;
  created: { villages: number; grids: number; users: number; chatGroups: number };
}

/**
 * Load the sample town. Idempotent: what exists (by code, username or external id) is left as
 * it is, so running it twice, or after an office changed a password, changes nothing.
 */
export async function seedDemo(file = DEMO_FILE): Promise<SeedReport> {
  const data = SeedFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const created = { villages: 0, grids: 0, users: 0, chatGroups: 0 };
  const town = await TownModel.findOneAndUpdate(
    { code: data.town.code },
    { $setOnInsert: { ...data.town, sample: true, config: {} } },
    { upsert: true, returnDocument: 'after' },
  );
  const villageIds = new Map<string, Types.ObjectId>();
  for (const v of data.villages) {
    const res = await VillageModel.findOneAndUpdate(
      { town: town._id, code: v.code },
      { $setOnInsert: { ...v, town: town._id, sample: true } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    if (!res.lastErrorObject?.updatedExisting) created.villages++;
    villageIds.set(v.code, res.value!._id);
  }
  const gridIds = new Map<string, { id: Types.ObjectId; village: Types.ObjectId | undefined }>();
  for (const g of data.grids) {
    const village = villageIds.get(g.village);
    const res = await GridModel.findOneAndUpdate(
      { town: town._id, code: g.code },
      { $setOnInsert: { ...g, village, town: town._id, sample: true, center: centroid(g.area) } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true },
    );
    if (!res.lastErrorObject?.updatedExisting) created.grids++;
    gridIds.set(g.code, { id: res.value!._id, village });
  }
  // Superiors first: a user's superior must exist before the user refers to it.
  const pending = [...data.users];
  const done = new Map<string, Types.ObjectId>();
  for (const u of await UserModel.find({ username: { $in: pending.map((p) => p.username) } }).lean())
    done.set(u.username, u._id);
  while (pending.length) {
    const idx = pending.findIndex((u) => !u.superior || done.has(u.superior));
    const u = pending.splice(idx === -1 ? 0 : idx, 1)[0]!;
    if (done.has(u.username)) continue;
    const grids = (u.grids ?? []).map((g) => gridIds.get(g)!);
    const doc = await UserModel.create({
      town: town._id,
      username: u.username,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      name: u.name,
      phone: u.phone,
      village: u.village ? villageIds.get(u.village) : grids[0]?.village,
      grids: grids.map((g) => g.id),
      superior: u.superior ? done.get(u.superior) : undefined,
      wecomUserId: u.wecomUserId,
      sample: true,
    });
    done.set(u.username, doc._id);
    created.users++;
  }
  for (const c of data.chatGroups) {
    const res = await ChatGroupModel.updateOne(
      { channel: c.channel, externalId: c.externalId },
      {
        $setOnInsert: {
          town: town._id,
          channel: c.channel,
          externalId: c.externalId,
          name: c.name,
          grid: c.grid ? gridIds.get(c.grid)?.id : undefined,
          village: c.village ? villageIds.get(c.village) : c.grid ? gridIds.get(c.grid)?.village : undefined,
          sample: true,
        },
      },
      { upsert: true },
    );
    if (res.upsertedCount) created.chatGroups++;
  }
  return { town: `${town.name}（${town.code}）`, created };
}

function centroid(area: { lat: number; lng: number }[]) {
  if (!area.length) return undefined;
  return {
    lat: area.reduce((s, p) => s + p.lat, 0) / area.length,
    lng: area.reduce((s, p) => s + p.lng, 0) / area.length,
  };
}
