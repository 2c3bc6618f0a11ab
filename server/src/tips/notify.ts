import type { Types } from 'mongoose';
import type { Clock } from '../core/clock';
import { enqueue } from '../outbox/enqueue';
import { UserModel } from '../people/user.model';

/**
 * Tell a reporter that their tip changed, through the outbox (a WeChat subscription message,
 * sent by the outbox worker if they consented). Once per tip and status (idempotency key).
 */
export async function notifyReporter(
  clock: Clock,
  tip: { _id: Types.ObjectId; town: Types.ObjectId; code: string; reporter: Types.ObjectId },
  status: string,
  statusLabel: string,
  note?: string,
): Promise<void> {
  const user = await UserModel.findById(tip.reporter).select('wechatOpenId').lean();
  if (!user?.wechatOpenId) return;
  await enqueue(clock, [
    {
      town: tip.town,
      channel: 'wechat_subscribe',
      recipient: { user: tip.reporter, address: user.wechatOpenId },
      content: {
        kind: 'text',
        text: `您的举报 ${tip.code} ${statusLabel}${note ? `：${note}` : ''}`,
        card: {
          type: 'tip_status',
          page: `pages/tips/detail?id=${String(tip._id)}`,
          data: { code: tip.code, status, statusLabel, note: note ?? '', at: clock.now().toISOString() },
        },
      },
      source: { kind: 'tip', id: String(tip._id), step: status },
      idempotencyKey: `tip:${String(tip._id)}:status:${status}`,
    },
  ]);
}
