import { ApiKeyCreate, ApiKeyCreated, ApiKeyIdParam, ApiKeyList, ApiKeyOut, OFFICE_ROLES } from '@yingji/shared';
import type { Module } from '../core/module';
import { createApiKey, listApiKeys, revokeApiKey } from './service';

/** API keys for outside systems, created and revoked by the office or the admin. */
export const apiKeysModule: Module = {
  name: 'apikeys',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/api-keys',
        summary: '创建接口密钥（仅此一次显示密钥）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        body: ApiKeyCreate,
        status: 201,
        response: ApiKeyCreated,
      },
      ({ services, caller, body }) => createApiKey(services, caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/api-keys',
        summary: '本镇的接口密钥（名称、权限、最近使用时间）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: ApiKeyList,
      },
      ({ caller }) => listApiKeys(caller),
    );
    api.route(
      {
        method: 'delete',
        path: '/api/api-keys/:id',
        summary: '停用接口密钥（立即生效）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        params: ApiKeyIdParam,
        response: ApiKeyOut,
      },
      ({ services, caller, params }) => revokeApiKey(services, caller, params.id),
    );
  },
};
