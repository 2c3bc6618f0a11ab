import { Schema, model, type Types } from 'mongoose';
import type { AppServices } from '../core/context';
import { CalloutModel } from '../callouts/callout.model';
import { enqueue } from '../outbox/enqueue';
import { GridModel } from '../people/grid.model';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { loadTownConfig } from '../towns/config';
import { ConsentModel } from './consent.model';
import { LEVEL_LABELS, SUBSCRIBE_PAGES, subscribeCard, subscribeDelivery } from './messages';

/**
 * Which warnings have been announced to subscribed residents: `_id` is the call-out's, and `done`
 * is set with one atomic update once every delivery is enqueued. Until then the job enqueues again,
 * harmlessly (idempotency key per warning and user).
 */
const warningNoticeSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    town: { type: Schema.Types.ObjectId, ref: 'Town', required: true },
    done: { type: Boolean, default: false },
    residents: { type: Number, default: 0 },
    skipped: { type: String },
    at: { type: Date },
  },
  { timestamps: true },
);
export const WarningNoticeModel = model('WarningNotice', warningNoticeSchema);

const BATCH = 500;

/** The villages a call-out covers (its villages and those of its grids); empty = the whole town. */
async function villagesOf(area: { villages?: Types.ObjectId[]; grids?: Types.ObjectId[] } | undefined) {
  const grids = area?.grids?.length
    ? await GridModel.find({ _id: { $in: area.grids } })
        .select('village')
        .lean()
    : [];
  return [...new Set([...(area?.villages ?? []), ...grids.map((g) => g.village)].filter(Boolean).map(String))];
}

/**
 * The job: every real warning in force not yet announced is sent, through the outbox and its
 * limits, to the residents of its villages (and those with no village, who see every warning on
 * the 预警 page) who have a `warning` subscription left. Answers how many deliveries were new.
 */
export async function announceWarnings(services: AppServices): Promise<number> {
  const now = services.clock.now();
  const callouts = await CalloutModel.find({
    status: 'active',
    exercise: { $ne: true },
    $or: [{ expiresAt: { $exists: false } }, { expiresAt: null }, { expiresAt: { $gt: now } }],
  })
    .select('town title level body area issuedAt expiresAt')
    .limit(200)
    .lean();
  if (callouts.length === 0) return 0;
  const done = new Set(
    (
      await WarningNoticeModel.find({ _id: { $in: callouts.map((c) => c._id) }, done: true })
        .select('_id')
        .lean()
    ).map((d) => String(d._id)),
  );
  let added = 0;
  for (const c of callouts) {
    if (done.has(String(c._id))) continue;
    const settings = (await loadTownConfig(c.town)).subscribe;
    const villages = await villagesOf(c.area ?? undefined);
    const names = villages.length
      ? (
          await VillageModel.find({ _id: { $in: villages } })
            .select('name')
            .lean()
        ).map((v) => v.name)
      : [];
    const card = subscribeCard(
      settings,
      'warning',
      {
        title: c.title,
        level: LEVEL_LABELS[c.level] ?? c.level,
        levelLabel: LEVEL_LABELS[c.level] ?? c.level,
        area: names.length ? names.join('、') : '全镇',
        body: c.body || c.title,
        time: c.issuedAt,
        expires: c.expiresAt ?? undefined,
      },
      SUBSCRIBE_PAGES.warning(String(c._id)),
      now,
    );
    let residents = 0;
    if (card) {
      const filter = {
        town: c.town,
        templateId: card.template_id,
        remaining: { $gt: 0 },
        ...(villages.length ? { village: { $in: [...villages, null] } } : {}),
      };
      let after = '';
      for (;;) {
        const page = await ConsentModel.find({ ...filter, ...(after ? { _id: { $gt: after } } : {}) })
          .sort({ _id: 1 })
          .limit(BATCH)
          .select('_id user')
          .lean<{ _id: string; user: Types.ObjectId }[]>();
        if (page.length === 0) break;
        after = page[page.length - 1]!._id;
        const users = await UserModel.find({ _id: { $in: page.map((p) => p.user) }, active: true, town: c.town })
          .select('wechatOpenId')
          .lean();
        const messages = users
          .filter((u) => u.wechatOpenId)
          .map((u) =>
            subscribeDelivery({
              town: c.town,
              user: u._id,
              openid: u.wechatOpenId!,
              card,
              summary: `${LEVEL_LABELS[c.level] ?? ''} ${c.title}`,
              source: { kind: 'warning', id: String(c._id), step: 'resident' },
              idempotencyKey: `warning:${String(c._id)}:resident:${String(u._id)}`,
            }),
          );
        residents += messages.length;
        added += await enqueue(services.clock, messages);
        if (page.length < BATCH) break;
      }
    }
    await WarningNoticeModel.updateOne(
      { _id: c._id },
      { $set: { town: c.town, done: true, residents, at: now, ...(card ? {} : { skipped: 'no_template' }) } },
      { upsert: true },
    );
  }
  return added;
}
