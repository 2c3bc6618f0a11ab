import type { Types } from 'mongoose';
import type { Subscriber } from '../events/bus';
import { HazardModel, type Hazard } from '../hazards/hazard.model';
import { proposeFor } from './service';

/**
 * Rewards react to the events of tips and hazards (not to calls from their services): a reward is
 * proposed when a tip is verified, per the town's trigger. Idempotent: one reward per hazard.
 */
export const rewardsSubscriber: Subscriber = {
  name: 'rewards',
  events: ['tip.accepted', 'hazard.closed', 'hazard.updated'],
  async handle(services, e) {
    // A tip linked as a duplicate may be earlier than the rewarded one: look again at who was first.
    const linked = e.event === 'hazard.updated' && e.data.action === 'link_tip';
    if (e.event === 'hazard.updated' && !linked) return;
    const hazardId = e.event === 'tip.accepted' ? (e.data.hazard as { id?: string } | undefined)?.id : e.subject.id;
    if (!hazardId) return;
    const hazard = await HazardModel.findOne({ _id: hazardId, town: e.town }).lean<Hazard & { _id: Types.ObjectId }>();
    if (!hazard) return;
    const closed = e.event === 'hazard.closed' || (linked && hazard.status === 'closed');
    await proposeFor(services, hazard, closed ? 'closed' : 'accepted');
  },
};
