import { z } from 'zod';
import type { Module } from '../core/module';
import { getRequest, listRequests, postRequest, services } from './service';

const tags = ['open311'];
const ListQuery = z.object({
  service_code: z.string().max(40).optional(),
  status: z.enum(['open', 'closed']).optional(),
  service_request_id: z.string().max(2000).optional(),
  start_date: z.string().max(40).optional(),
  end_date: z.string().max(40).optional(),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(100),
  api_key: z.string().max(200).optional(),
});
const Id = z.object({ id: z.string().trim().min(1).max(40) });
const PostBody = z.object({
  api_key: z.string().max(200).optional(),
  service_code: z.string().min(1).max(40),
  lat: z.coerce.number().min(-90).max(90),
  long: z.coerce.number().min(-180).max(180),
  address_string: z.string().trim().max(200).optional(),
  description: z.string().trim().max(1000).optional(),
});

/** Open311 GeoReport v2 (JSON): reads with a `read` key, new requests with an `intake` key, as `api_key` or X-Api-Key. */
export const open311Module: Module = {
  name: 'open311',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/open311/v2/services.json',
        summary: 'Open311：服务（隐患类别）列表',
        tags,
        auth: { apiKey: 'read' },
        query: z.object({ api_key: z.string().max(200).optional() }),
      },
      () => services(),
    );
    api.route(
      {
        method: 'get',
        path: '/open311/v2/requests.json',
        summary: 'Open311：隐患清单',
        tags,
        auth: { apiKey: 'read' },
        query: ListQuery,
      },
      ({ caller, query }) => listRequests(caller, query),
    );
    api.route(
      {
        method: 'get',
        path: '/open311/v2/requests/:id.json',
        summary: 'Open311：一条隐患（隐患编号或举报编号）',
        tags,
        auth: { apiKey: 'read' },
        params: Id,
        query: z.object({ api_key: z.string().max(200).optional() }),
      },
      ({ caller, params }) => getRequest(caller, params.id),
    );
    api.route(
      {
        method: 'post',
        path: '/open311/v2/requests.json',
        summary: 'Open311：提交举报（进入待受理）',
        tags,
        auth: { apiKey: 'intake' },
        body: PostBody,
        status: 201,
      },
      ({ services: s, caller, body }) => postRequest(s, caller, body),
    );
  },
};
