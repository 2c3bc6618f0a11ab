import {
  BroadcastCalloutParam,
  BroadcastEndpointCreate,
  BroadcastEndpointCreated,
  BroadcastEndpointList,
  BroadcastSettings,
  CalloutBroadcastList,
  OFFICE_ROLES,
  ObjectIdString,
  TOWN_ADMIN_ROLES,
} from '@yingji/shared';
import { z } from 'zod';
import type Koa from 'koa';
import type { AppServices, AppState } from '../core/context';
import type { Module } from '../core/module';
import { runOutboxPass } from '../outbox/worker';
import {
  calloutBroadcasts,
  createEndpoint,
  deleteEndpoint,
  getSettings,
  listEndpoints,
  requestBroadcast,
  setSettings,
} from './service';

const pollMs = () => Number(process.env.OUTBOX_POLL_MS) || 1000;

/**
 * `POST /api/callouts` with `broadcast: true`: once the call-out is issued (201), its broadcast is
 * recorded and started here, so the call-out service need not know about loudspeakers.
 */
function onCalloutIssued(services: AppServices): Koa.Middleware<AppState> {
  return async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/api/callouts' || ctx.status !== 201) return;
    const asked = (ctx.request as { body?: { broadcast?: unknown } }).body?.broadcast === true;
    const id = (ctx.body as { id?: string } | undefined)?.id;
    const caller = ctx.state.caller;
    if (!asked || !id || !caller) return;
    try {
      await requestBroadcast(services, caller, id);
    } catch (err) {
      // The warning is out; the broadcast is retried from the callout.created event.
      ctx.state.log.error({ err, callout: id }, 'broadcast request failed');
    }
  };
}

/** Village broadcast 应急广播: endpoints, the town's rule, the board's view; deliveries go through the outbox. */
export const broadcastModule: Module = {
  name: 'broadcast',
  middleware: onCalloutIssued,
  jobs: [
    {
      name: 'outbox:broadcast',
      get everyMs() {
        return pollMs();
      },
      run: (services) => runOutboxPass(services, 'broadcast', { sendTimeoutMs: services.config.WEBHOOK_TIMEOUT_MS }),
    },
  ],
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/broadcast-endpoints',
        summary: '登记应急广播终端（HTTP 接口、覆盖的村；仅此一次显示签名密钥）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        body: BroadcastEndpointCreate,
        status: 201,
        response: BroadcastEndpointCreated,
      },
      ({ services, caller, body }) => createEndpoint(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/broadcast-endpoints',
        summary: '本镇的应急广播终端',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: BroadcastEndpointList,
      },
      ({ caller }) => listEndpoints(caller),
    );
    api.route(
      {
        method: 'delete',
        path: '/api/broadcast-endpoints/:id',
        summary: '删除应急广播终端（不再向它发送广播）',
        tags: ['integrations'],
        auth: TOWN_ADMIN_ROLES,
        params: z.object({ id: ObjectIdString }),
      },
      ({ caller, params }) => deleteEndpoint(caller, params.id),
    );
    api.route(
      {
        method: 'get',
        path: '/api/broadcast-settings',
        summary: '自动广播的预警级别',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: BroadcastSettings,
      },
      ({ caller }) => getSettings(caller),
    );
    api.route(
      {
        method: 'put',
        path: '/api/broadcast-settings',
        summary: '设置自动广播的预警级别（如红色、橙色）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        body: BroadcastSettings,
        response: BroadcastSettings,
      },
      ({ caller, body }) => setSettings(caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/callouts/:id/broadcasts',
        summary: '预警的广播结果（每个广播终端）',
        tags: ['callouts'],
        auth: OFFICE_ROLES,
        params: BroadcastCalloutParam,
        response: CalloutBroadcastList,
      },
      ({ caller, params }) => calloutBroadcasts(caller, params.id),
    );
  },
};
