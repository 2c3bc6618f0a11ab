import { z } from 'zod';
import type { ApiClient } from '../client';

/**
 * A warning in force as the public sees it (the resident's 预警 page): what, how serious, where,
 * until when. Nothing about who was called or who answered.
 */
export const WarningInForce = z
  .object({
    id: z.string(),
    title: z.string(),
    level: z.enum(['red', 'orange', 'yellow', 'blue']),
    body: z.string(),
    event: z.string().optional(),
    issuedAt: z.string(),
    expiresAt: z.string().optional(),
    /** Villages (社区/村) it covers; empty means the whole town. */
    areaNames: z.array(z.string()),
  })
  .meta({ id: 'WarningInForce' });
export type WarningInForce = z.infer<typeof WarningInForce>;

export const warningsApi = (c: ApiClient) => ({
  active: () => c.get<{ items: WarningInForce[] }>('/api/warnings/active'),
});
