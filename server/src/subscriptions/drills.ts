import type { Types } from 'mongoose';
import { DrillModel } from '../drills/model';
import type { Subscriber } from '../events/bus';
import { enqueue } from '../outbox/enqueue';
import { GridModel } from '../people/grid.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { loadTownConfig } from '../towns/config';
import { ConsentModel } from './consent.model';
import { subscribeCard, subscribeDelivery } from './messages';

const BATCH = 500;

/**
 * When an announced drill starts, its villages' residents who hold a `drill` subscription get the
 * town's drill-notice message. Driven by `drill.started` (the drills folder does not call here; the
 * drill is only read). An unannounced drill (双盲) tells no resident: warning them would spoil it.
 * Idempotent by drill and user, so a redelivered event sends nothing twice.
 */
export const drillNoticesSubscriber: Subscriber = {
  name: 'subscriptions:drill-notices',
  events: ['drill.started'],
  async handle(services, e) {
    if (e.data.unannounced) return;
    const drill = await DrillModel.findOne({ _id: e.subject.id, town: e.town })
      .select('town title unannounced area assemblyPoint message startedAt')
      .lean();
    if (!drill || drill.unannounced) return;
    const settings = (await loadTownConfig(drill.town)).subscribe;
    const gridVillages = drill.area?.grids?.length
      ? (
          await GridModel.find({ _id: { $in: drill.area.grids } })
            .select('village')
            .lean()
        ).map((g) => g.village)
      : [];
    const villages = [...new Set([...(drill.area?.villages ?? []), ...gridVillages].filter(Boolean).map(String))];
    const names = villages.length
      ? (
          await VillageModel.find({ _id: { $in: villages } })
            .select('name')
            .lean()
        ).map((v) => v.name)
      : [];
    const now = services.clock.now();
    const card = subscribeCard(
      settings,
      'drill',
      {
        title: drill.title,
        time: drill.startedAt ?? now,
        place: drill.assemblyPoint?.name || (names.length ? names.join('、') : '全镇'),
        note: drill.message || '应急演练，请按通知参加',
      },
      undefined,
      now,
    );
    if (!card) return; // the town has no drill-notice template
    // Residents who live in the drill's villages (all of the town's when it names none).
    const filter = { town: drill.town, templateId: card.template_id, remaining: { $gt: 0 } };
    let after = '';
    for (;;) {
      const page = await ConsentModel.find({ ...filter, ...(after ? { _id: { $gt: after } } : {}) })
        .sort({ _id: 1 })
        .limit(BATCH)
        .select('_id user')
        .lean<{ _id: string; user: Types.ObjectId }[]>();
      if (page.length === 0) break;
      after = page[page.length - 1]!._id;
      const users = await UserModel.find({
        _id: { $in: page.map((p) => p.user) },
        active: true,
        town: drill.town,
        ...(villages.length ? { village: { $in: villages } } : {}),
      })
        .select('wechatOpenId')
        .lean();
      const id = String(drill._id);
      await enqueue(
        services.clock,
        users
          .filter((u) => u.wechatOpenId)
          .map((u) =>
            subscribeDelivery({
              town: drill.town,
              user: u._id,
              openid: u.wechatOpenId!,
              card,
              summary: `演练通知 ${drill.title}`,
              source: { kind: 'drill', id, step: 'resident' },
              idempotencyKey: `drill:${id}:resident:${String(u._id)}`,
              exercise: true,
            }),
          ),
      );
      if (page.length < BATCH) break;
    }
  },
};
