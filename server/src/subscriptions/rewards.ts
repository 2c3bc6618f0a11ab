import { Schema, model } from 'mongoose';
import { REWARD_STATUS_LABELS, type RewardStatus } from '@yingji/shared';
import type { AppServices } from '../core/context';
import { enqueue } from '../outbox/enqueue';
import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';
import { RewardModel } from '../rewards/reward.model';
import { TipModel } from '../tips/tip.model';
import { loadTownConfig } from '../towns/config';
import { REWARD_STATUS_PHRASES, SUBSCRIBE_PAGES, subscribeCard, subscribeDelivery } from './messages';
import { hasConsent } from './service';

/** Which reward decisions the reporter has been told of: `_id` is `<rewardId>:<status>`. */
const rewardNoticeSchema = new Schema(
  { _id: { type: String, required: true }, town: { type: Schema.Types.ObjectId, required: true }, at: Date },
  { timestamps: false },
);
export const RewardNoticeModel = model('RewardNotice', rewardNoticeSchema);

/** The decisions a reporter hears of (a proposal is the office's business until decided). */
const TOLD: RewardStatus[] = ['approved', 'refused', 'paid'];

/**
 * The job: a reward the office approved, refused or paid is told to its reporter in the town's
 * `reward_status` template, if they have a subscription left for it. Hooked from outside the
 * rewards folder: it reads decided rewards and remembers each (reward, status) it handled.
 */
export async function announceRewards(services: AppServices): Promise<number> {
  let added = 0;
  for (const town of await TownModel.find().select('_id').lean()) {
    const rewards = await RewardModel.find({ town: town._id, status: { $in: TOLD } })
      .sort({ createdAt: -1 })
      .limit(500)
      .select('town tip reporter status amount')
      .lean();
    if (rewards.length === 0) continue;
    const key = (r: (typeof rewards)[number]) => `${String(r._id)}:${r.status}`;
    const done = new Set(
      (
        await RewardNoticeModel.find({ _id: { $in: rewards.map(key) } })
          .select('_id')
          .lean()
      ).map((d) => d._id),
    );
    const settings = (await loadTownConfig(town._id)).subscribe;
    for (const r of rewards) {
      if (done.has(key(r))) continue;
      const now = services.clock.now();
      const [tip, user] = await Promise.all([
        TipModel.findById(r.tip).select('code').lean(),
        UserModel.findById(r.reporter).select('wechatOpenId').lean(),
      ]);
      const label = REWARD_STATUS_LABELS[r.status as RewardStatus];
      const card = subscribeCard(
        settings,
        'reward_status',
        {
          code: tip?.code ?? '',
          status: REWARD_STATUS_PHRASES[r.status] ?? label,
          statusLabel: label,
          amount: r.status === 'refused' ? undefined : r.amount,
          note: `举报奖励${label}`,
          time: now,
        },
        SUBSCRIBE_PAGES.tip(String(r.tip)),
        now,
      );
      if (card && user?.wechatOpenId && (await hasConsent(r.reporter, card.template_id)))
        added += await enqueue(services.clock, [
          subscribeDelivery({
            town: r.town,
            user: r.reporter,
            openid: user.wechatOpenId,
            card,
            summary: `您的举报 ${tip?.code ?? ''} 奖励${label}`,
            source: { kind: 'reward', id: String(r._id), step: r.status },
            idempotencyKey: `reward:${String(r._id)}:status:${r.status}`,
          }),
        ]);
      await RewardNoticeModel.updateOne({ _id: key(r) }, { $set: { town: r.town, at: now } }, { upsert: true });
    }
  }
  return added;
}
