import { z } from 'zod';
import { ObjectIdString } from './common';

/** A village loudspeaker system (应急广播) reached by a generic HTTP adapter. */
export const BroadcastEndpointCreate = z
  .object({
    name: z.string().trim().min(1, '请填写名称').max(60),
    url: z.url({ protocol: /^https?$/, error: '请填写有效的网址' }).max(500),
    /** Villages it covers (ids or codes). */
    villageIds: z.array(z.string().trim().min(1).max(40)).min(1, '请选择覆盖的村（社区）').max(200),
    /** How many times the loudspeakers repeat the text (default 3). */
    repeat: z.number().int().min(1).max(10).optional(),
  })
  .meta({ id: 'BroadcastEndpointCreate' });
export type BroadcastEndpointCreate = z.input<typeof BroadcastEndpointCreate>;

export const BroadcastEndpointCreated = z
  .object({ id: z.string(), secret: z.string() })
  .meta({ id: 'BroadcastEndpointCreated' });

export const BroadcastEndpointOut = z
  .object({ id: z.string(), name: z.string(), url: z.string(), villageIds: z.array(z.string()), repeat: z.number() })
  .meta({ id: 'BroadcastEndpointOut' });
export const BroadcastEndpointList = z.object({ items: z.array(BroadcastEndpointOut) });

/** The town's rule: warnings of these levels sound the loudspeakers without being asked. */
export const BroadcastSettings = z
  .object({ levels: z.array(z.enum(['red', 'orange', 'yellow', 'blue'])).default([]) })
  .meta({ id: 'BroadcastSettings' });

/** One endpoint's broadcast of a call-out, for the call-out board. */
export const CalloutBroadcastOut = z
  .object({
    endpointId: z.string(),
    endpointName: z.string(),
    state: z.string(),
    attempts: z.number(),
    sentAt: z.string().optional(),
    lastError: z.string().optional(),
  })
  .meta({ id: 'CalloutBroadcast' });
export const CalloutBroadcastList = z.object({ items: z.array(CalloutBroadcastOut) });
export const BroadcastCalloutParam = z.object({ id: ObjectIdString });
