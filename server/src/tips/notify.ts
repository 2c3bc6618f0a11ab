import type { Types } from 'mongoose';
import { categoryLabel } from '@yingji/shared';
import type { Clock } from '../core/clock';
import { enqueue } from '../outbox/enqueue';
import { UserModel } from '../people/user.model';
import { SUBSCRIBE_PAGES, TIP_STATUS_PHRASES, subscribeCard, subscribeDelivery } from '../subscriptions/messages';
import { hasConsent } from '../subscriptions/service';
import { loadTownConfig } from '../towns/config';

/**
 * Tell a reporter that their tip changed, through the outbox: a WeChat subscription message in
 * the town's `tip_status` template, only if the reporter has a subscription left for it (one per
 * accept in requestSubscribeMessage; the worker spends it). Once per tip and status.
 */
export async function notifyReporter(
  clock: Clock,
  tip: { _id: Types.ObjectId; town: Types.ObjectId; code: string; reporter: Types.ObjectId; category?: string },
  status: string,
  statusLabel: string,
  note?: string,
): Promise<void> {
  const user = await UserModel.findById(tip.reporter).select('wechatOpenId').lean();
  if (!user?.wechatOpenId) return;
  const settings = (await loadTownConfig(tip.town)).subscribe;
  const now = clock.now();
  const card = subscribeCard(
    settings,
    'tip_status',
    {
      code: tip.code,
      category: tip.category ? categoryLabel(tip.category) : '',
      status: TIP_STATUS_PHRASES[status] ?? statusLabel,
      statusLabel,
      note: note ?? statusLabel,
      time: now,
    },
    SUBSCRIBE_PAGES.tip(String(tip._id)),
    now,
  );
  if (!card || !(await hasConsent(tip.reporter, card.template_id))) return;
  await enqueue(clock, [
    subscribeDelivery({
      town: tip.town,
      user: tip.reporter,
      openid: user.wechatOpenId,
      card,
      summary: `您的举报 ${tip.code} ${statusLabel}${note ? `：${note}` : ''}`,
      source: { kind: 'tip', id: String(tip._id), step: status },
      idempotencyKey: `tip:${String(tip._id)}:status:${status}`,
    }),
  ]);
}
