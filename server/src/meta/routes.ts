import { z } from 'zod';
import { HAZARD_CATEGORIES, ROLE_LABELS } from '@yingji/shared';
import type { Module } from '../core/module';

const Category = z
  .object({ code: z.string(), label: z.string(), group: z.string().optional() })
  .meta({ id: 'Category' });

export const metaModule: Module = {
  name: 'meta',
  routes(api) {
    api.route(
      {
        method: 'get',
        path: '/api/meta/categories',
        summary: '隐患类别（稳定编码与中文名称）',
        tags: ['meta'],
        auth: 'public',
        response: z.object({ items: z.array(Category) }),
      },
      () => ({ items: HAZARD_CATEGORIES }),
    );
    api.route(
      {
        method: 'get',
        path: '/api/meta/roles',
        summary: '角色',
        tags: ['meta'],
        auth: 'public',
        response: z.object({ items: z.array(z.object({ code: z.string(), label: z.string() })) }),
      },
      () => ({ items: Object.entries(ROLE_LABELS).map(([code, label]) => ({ code, label })) }),
    );
  },
};
