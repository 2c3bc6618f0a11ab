import type { Module } from './core/module';
import { idempotencyModule } from './core/idempotency';
import { authModule } from './auth/routes';
import { metaModule } from './meta/routes';
import { peopleModule } from './people/routes';
import { placesModule } from './people/places-routes';
import { rosterModule } from './people/roster-routes';
import { townsModule } from './towns/routes';
import { countyModule } from './county/routes';
import { mediaModule } from './media/routes';
import { tipsModule } from './tips/routes';
import { hazardsModule } from './hazards/routes';
import { rewardsModule } from './rewards/routes';
import { outboxModule } from './outbox/routes';
import { calloutsModule } from './callouts/routes';
import { wecomModule } from './wecom/routes';
import { chatModule } from './chat/routes';
import { drillsModule } from './drills/routes';
import { sheltersModule } from './shelters/routes';
import { resourcesModule } from './resources/routes';
import { incidentsModule } from './incidents/routes';
import { scoresModule } from './scores/routes';
import { webModule } from './web/routes';
import { warningsModule } from './warnings/routes';
import { subscriptionsModule } from './subscriptions/routes';
import { moderationModule } from './moderation/routes';
import { registerSubscribers } from './events/bus';
import { eventsModule } from './events/routes';
import { apiKeysModule } from './apikeys/routes';
import { webhooksModule } from './webhooks/routes';
import { intakeModule } from './intake/routes';
import { broadcastModule } from './broadcast/routes';
import { broadcastSubscriber } from './broadcast/service';
import { smsModule } from './sms/routes';
import { open311Module } from './open311/routes';
import { webhooksSubscriber } from './webhooks/service';
import { rewardsSubscriber } from './rewards/subscribers';
import { reporterNoticesSubscriber } from './tips/subscribers';
import { drillNoticesSubscriber } from './subscriptions/drills';

/** Who reacts to the domain events (events/bus.ts): capabilities meet here, not by calling each other. */
registerSubscribers([
  rewardsSubscriber,
  reporterNoticesSubscriber,
  webhooksSubscriber,
  broadcastSubscriber,
  drillNoticesSubscriber,
]);

/** Every capability of the server, in the order their routes are mounted. Add a new one here. */
export const modules: Module[] = [
  authModule,
  peopleModule,
  placesModule,
  rosterModule,
  townsModule,
  countyModule,
  metaModule,
  mediaModule,
  tipsModule,
  hazardsModule,
  rewardsModule,
  outboxModule,
  calloutsModule,
  wecomModule,
  chatModule,
  drillsModule,
  sheltersModule,
  resourcesModule,
  incidentsModule,
  scoresModule,
  warningsModule,
  subscriptionsModule,
  moderationModule,
  eventsModule,
  apiKeysModule,
  webhooksModule,
  intakeModule,
  broadcastModule,
  smsModule,
  open311Module,
  webModule,
  idempotencyModule,
];
