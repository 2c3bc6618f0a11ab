import { EventFeed, EventFeedQuery } from '@yingji/shared';
import type { Module } from '../core/module';
import { dispatchPending } from './bus';
import { watchCallouts } from './callout-watch';
import { EventModel, envelopeOf, type DomainEvent } from './model';

/**
 * The event feed: the dispatch job (events some subscriber has not processed yet, e.g. after a
 * crash between the publisher's write and its dispatch), and the town's feed for an outside
 * system with an `events` key, read oldest first from a cursor.
 */
export const eventsModule: Module = {
  name: 'events',
  jobs: [
    { name: 'events:dispatch', everyMs: 1000, run: (services) => dispatchPending(services) },
    { name: 'events:callouts', everyMs: 2000, run: (services) => watchCallouts(services) },
  ],
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/events',
        summary: '本镇的事件（按发生顺序，从 after 之后读起）',
        tags: ['integrations'],
        auth: { apiKey: 'events' },
        query: EventFeedQuery,
        response: EventFeed,
      },
      async ({ caller, query }) => {
        const filter: Record<string, unknown> = { town: caller.town };
        if (query.after) {
          const last = await EventModel.findOne({ _id: query.after, town: caller.town }).select('createdAt').lean();
          if (last)
            filter.$or = [
              { createdAt: { $gt: last.createdAt } },
              { createdAt: last.createdAt, _id: { $gt: query.after } },
            ];
        }
        const docs = await EventModel.find(filter)
          .sort({ createdAt: 1, _id: 1 })
          .limit(query.limit)
          .lean<DomainEvent[]>();
        return { items: docs.map(envelopeOf) };
      },
    );
  },
};
