import { z } from 'zod';
import { WarningInForce } from '@yingji/shared';
import type { Module } from '../core/module';
import { CalloutModel } from '../callouts/callout.model';
import { GridModel } from '../people/grid.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';

/**
 * The warnings in force where the caller lives, for residents as much as staff: real (not
 * exercise) call-outs of the caller's town that are active and unexpired, covering the whole
 * town or the caller's village. A resident without a village sees every warning of the town.
 */
export const warningsModule: Module = {
  name: 'warnings',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/warnings/active',
        summary: '当前生效的预警（本人所在村/社区或全镇）',
        tags: ['callouts'],
        response: z.object({ items: z.array(WarningInForce) }),
      },
      async ({ caller, services }) => {
        const now = services.clock.now();
        const callouts = await CalloutModel.find({
          town: caller.town,
          status: 'active',
          exercise: { $ne: true },
          $or: [{ expiresAt: { $exists: false } }, { expiresAt: null }, { expiresAt: { $gt: now } }],
        })
          .sort({ issuedAt: -1 })
          .limit(50)
          .lean();
        const village = caller.villageId ?? (await UserModel.findById(caller._id).select('village').lean())?.village;
        const gridIds = callouts.flatMap((c) => c.area?.grids ?? []);
        const grids = await GridModel.find({ _id: { $in: gridIds } })
          .select('village')
          .lean();
        const villageOfGrid = new Map(grids.map((g) => [String(g._id), String(g.village)]));
        const villagesOf = (c: (typeof callouts)[number]) =>
          new Set([
            ...(c.area?.villages ?? []).map(String),
            ...(c.area?.grids ?? []).map((g) => villageOfGrid.get(String(g)) ?? ''),
          ]);
        const mine = callouts.filter((c) => {
          const covered = villagesOf(c);
          return covered.size === 0 || !village || covered.has(String(village));
        });
        const names = new Map(
          (
            await VillageModel.find({ _id: { $in: mine.flatMap((c) => [...villagesOf(c)].filter(Boolean)) } })
              .select('name')
              .lean()
          ).map((v) => [String(v._id), v.name]),
        );
        return {
          items: mine.map((c) => ({
            id: String(c._id),
            title: c.title,
            level: c.level as WarningInForce['level'],
            body: c.body ?? '',
            event: c.event ?? undefined,
            issuedAt: c.issuedAt.toISOString(),
            expiresAt: c.expiresAt?.toISOString(),
            areaNames: [...villagesOf(c)].map((id) => names.get(id)).filter((n): n is string => !!n),
          })),
        };
      },
    );
  },
};
