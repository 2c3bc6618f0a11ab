import type { Subscriber } from '../events/bus';
import { notifyReporter } from './notify';
import { TipModel } from './tip.model';

/**
 * The reporters of a hazard's tips are told when it is closed. Driven by `hazard.closed`, so the
 * hazards folder does not call into tips; the notice is idempotent by tip and status.
 */
export const reporterNoticesSubscriber: Subscriber = {
  name: 'tip-notices',
  events: ['hazard.closed'],
  async handle(services, e) {
    const ids = (e.data.tips as string[] | undefined) ?? [];
    if (ids.length === 0) return;
    const tips = await TipModel.find({ _id: { $in: ids }, town: e.town }).lean();
    for (const t of tips) await notifyReporter(services.clock, t, 'closed', '所反映的隐患已整改销号');
  },
};
