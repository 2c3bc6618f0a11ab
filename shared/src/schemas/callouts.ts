import { z } from 'zod';
import type { ApiClient, RequestOptions } from '../client';
import { FreeText, LatLng, ObjectIdString } from './common';

/** Request and answer schemas of the callouts capability (shared by the server, the bot and the mini-program). */

export const CalloutLevel = z.enum(['red', 'orange', 'yellow', 'blue']).meta({ id: 'CalloutLevel' });
export type CalloutLevel = z.infer<typeof CalloutLevel>;

/** A village or grid by id or by code (SQ, SQ-01). */
const AreaRef = z.string().trim().min(1).max(40);

export const CalloutCreate = z
  .object({
    title: FreeText(100, { required: '请填写预警标题' }),
    level: CalloutLevel,
    body: FreeText(2000).default(''),
    event: FreeText(100).optional(),
    area: z
      .object({ villages: z.array(AreaRef).max(200).optional(), grids: z.array(AreaRef).max(2000).optional() })
      .optional(),
    recipients: z.array(ObjectIdString).max(20000).optional(),
    ackMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .optional(),
    exercise: z.boolean().optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** Also sound the warned villages' loudspeakers (应急广播; see server/src/broadcast/). */
    broadcast: z.boolean().optional(),
  })
  .meta({ id: 'CalloutCreate' });
export type CalloutCreate = z.input<typeof CalloutCreate>;

export const CalloutCreated = z.object({ id: z.string(), recipients: z.number().int() }).meta({ id: 'CalloutCreated' });
export type CalloutCreated = z.infer<typeof CalloutCreated>;

export const CalloutRecipientState = z.enum(['pending', 'acked', 'escalated']);
export const CalloutStepName = z.enum(['notify', 'remind', 'mention', 'direct', 'superior', 'phone']);

export const CalloutRecipientOut = z
  .object({
    userId: z.string(),
    name: z.string(),
    state: CalloutRecipientState,
    ackAt: z.string().optional(),
    channel: z.string().optional(),
    step: CalloutStepName,
    contactsPending: z.number().int().optional(),
    atPostAt: z.string().optional(),
    transferDoneAt: z.string().optional(),
    transferCount: z.number().int().optional(),
  })
  .meta({ id: 'CalloutRecipient' });
export type CalloutRecipientOut = z.infer<typeof CalloutRecipientOut>;

export const CalloutSummary = z
  .object({ total: z.number().int(), acked: z.number().int(), pending: z.number().int(), escalated: z.number().int() })
  .meta({ id: 'CalloutSummary' });

export const CalloutDetail = z
  .object({
    id: z.string(),
    title: z.string(),
    level: CalloutLevel,
    body: z.string(),
    event: z.string().optional(),
    exercise: z.boolean(),
    status: z.enum(['preparing', 'active', 'closed']),
    issuedAt: z.string(),
    ackDeadline: z.string(),
    step: CalloutStepName.optional(),
    nextStepAt: z.string().optional(),
    summary: CalloutSummary,
    oneToOne: z.object({ total: z.number().int(), contacted: z.number().int(), transferred: z.number().int() }),
    stages: z.object({ atPost: z.number().int(), transferDone: z.number().int(), transferred: z.number().int() }),
    recipients: z.array(CalloutRecipientOut),
    recipientsTotal: z.number().int(),
  })
  .meta({ id: 'CalloutDetail' });
export type CalloutDetail = z.infer<typeof CalloutDetail>;

export const CalloutDetailQuery = z.object({
  state: CalloutRecipientState.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(10000).default(1000),
});

export const CalloutListQuery = z.object({
  /** Exercises are kept apart: the list shows either real call-outs (default) or exercises. */
  exercise: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  status: z.enum(['preparing', 'active', 'closed']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const CalloutListItem = z
  .object({
    id: z.string(),
    title: z.string(),
    level: CalloutLevel,
    exercise: z.boolean(),
    status: z.enum(['preparing', 'active', 'closed']),
    issuedAt: z.string(),
    summary: CalloutSummary,
  })
  .meta({ id: 'CalloutListItem' });
export const CalloutList = z
  .object({ items: z.array(CalloutListItem), total: z.number().int(), exercise: z.boolean() })
  .meta({ id: 'CalloutList' });
export type CalloutList = z.infer<typeof CalloutList>;

export const CalloutAckRequest = z
  .object({ channel: z.string().trim().min(1).max(32).optional() })
  .meta({ id: 'CalloutAckRequest' });
export const CalloutAckResponse = z
  .object({
    callout: z.object({ id: z.string(), title: z.string(), level: CalloutLevel }),
    ackAt: z.string(),
    alreadyAcked: z.boolean(),
  })
  .meta({ id: 'CalloutAckResponse' });
export type CalloutAckResponse = z.infer<typeof CalloutAckResponse>;

export const CalloutStageRequest = z
  .object({
    stage: z.enum(['at_post', 'transfer_done']),
    count: z.number().int().min(0).max(100000).optional(),
  })
  .meta({ id: 'CalloutStageRequest' });
export type CalloutStageRequest = z.infer<typeof CalloutStageRequest>;
export const CalloutStageResponse = z
  .object({
    stage: z.enum(['at_post', 'transfer_done']),
    at: z.string(),
    count: z.number().int().optional(),
    alreadyReported: z.boolean(),
  })
  .meta({ id: 'CalloutStageResponse' });

export const CalloutOpenItem = z
  .object({
    id: z.string(),
    title: z.string(),
    level: CalloutLevel,
    body: z.string(),
    issuedAt: z.string(),
    ackDeadline: z.string(),
    acked: z.boolean(),
    ackAt: z.string().optional(),
    contactsPending: z.number().int(),
  })
  .meta({ id: 'CalloutOpenItem' });
export const CalloutOpenList = z.object({ items: z.array(CalloutOpenItem) }).meta({ id: 'CalloutOpenList' });
export type CalloutOpenList = z.infer<typeof CalloutOpenList>;

export const CalloutPhoneListItem = z
  .object({
    name: z.string(),
    phone: z.string().optional(),
    village: z.string().optional(),
    grids: z.array(z.string()),
    missing: z.string(),
  })
  .meta({ id: 'CalloutPhoneListItem' });
export const CalloutPhoneList = z.object({ items: z.array(CalloutPhoneListItem) }).meta({ id: 'CalloutPhoneList' });
export type CalloutPhoneList = z.infer<typeof CalloutPhoneList>;
export const CalloutPhoneListQuery = z.object({
  /** `all`: everyone who has not answered yet, before the ladder reaches the phone step. */
  all: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  format: z.enum(['json', 'xlsx']).default('json'),
});

export const CalloutCapImport = z
  .object({
    xml: z
      .string()
      .min(1, '请提供 CAP 预警 XML')
      .max(512 * 1024),
  })
  .meta({ id: 'CalloutCapImport' });

// ---- one-to-one: vulnerable residents ----

export const ResidentKind = z
  .enum(['living_alone', 'disabled', 'bedridden', 'elderly', 'left_behind_child', 'pregnant', 'other'])
  .meta({ id: 'ResidentKind' });

export const ResidentCreate = z
  .object({
    kind: ResidentKind,
    name: FreeText(50, { required: '请填写姓名' }),
    phone: z
      .string()
      .trim()
      .regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确')
      .optional(),
    address: FreeText(200).optional(),
    location: LatLng.optional(),
    /** Grid by id or code (SQ-01); the village follows from it. */
    grid: z.string().trim().min(1).max(40),
    responsibleId: ObjectIdString,
    note: FreeText(500).optional(),
  })
  .meta({ id: 'ResidentCreate' });
export type ResidentCreate = z.input<typeof ResidentCreate>;

export const ResidentOut = z
  .object({
    id: z.string(),
    kind: ResidentKind,
    name: z.string(),
    phone: z.string().optional(),
    address: z.string().optional(),
    location: LatLng.optional(),
    gridId: z.string().optional(),
    villageId: z.string().optional(),
    responsibleId: z.string(),
    responsibleName: z.string().optional(),
  })
  .meta({ id: 'Resident' });
export type ResidentOut = z.infer<typeof ResidentOut>;
export const ResidentList = z.object({ items: z.array(ResidentOut) }).meta({ id: 'ResidentList' });

export const CalloutContactOut = z
  .object({
    residentId: z.string(),
    name: z.string(),
    kind: z.string().optional(),
    state: z.enum(['pending', 'contacted', 'transferred']),
    at: z.string().optional(),
    responsibleId: z.string(),
    phone: z.string().optional(),
    address: z.string().optional(),
  })
  .meta({ id: 'CalloutContact' });
export const CalloutContactList = z.object({ items: z.array(CalloutContactOut) }).meta({ id: 'CalloutContactList' });
export type CalloutContactList = z.infer<typeof CalloutContactList>;
export const CalloutContactConfirm = z
  .object({ state: z.enum(['contacted', 'transferred']) })
  .meta({ id: 'CalloutContactConfirm' });

export const CalloutIdParam = z.object({ id: ObjectIdString });
export const CalloutResidentParam = z.object({ id: ObjectIdString, residentId: ObjectIdString });

/** Typed helpers for the call-out routes. */
export const calloutsApi = (c: ApiClient) => ({
  create: (body: CalloutCreate, opts?: RequestOptions) => c.create<CalloutCreated>('/api/callouts', body, opts),
  list: (q: { exercise?: 'true' | 'false'; status?: string } = {}) => c.get<CalloutList>('/api/callouts', q),
  get: (id: string, q: { state?: string; page?: number; pageSize?: number } = {}) =>
    c.get<CalloutDetail>(`/api/callouts/${id}`, q),
  ack: (id: string, channel?: string) =>
    c.post<CalloutAckResponse>(`/api/callouts/${id}/ack`, channel ? { channel } : {}),
  ackLatest: (channel?: string) => c.post<CalloutAckResponse>('/api/callouts/ack-latest', channel ? { channel } : {}),
  stage: (id: string, body: CalloutStageRequest) =>
    c.post<z.infer<typeof CalloutStageResponse>>(`/api/callouts/${id}/stage`, body),
  open: () => c.get<CalloutOpenList>('/api/callouts/open'),
  close: (id: string) => c.post<{ id: string; status: string }>(`/api/callouts/${id}/close`),
  phoneList: (id: string, all = false) =>
    c.get<CalloutPhoneList>(`/api/callouts/${id}/phone-list`, { all: String(all) }),
  importCap: (xml: string) => c.post<CalloutCreated>('/api/callouts/import-cap', { xml }),
  contacts: (id: string) => c.get<CalloutContactList>(`/api/callouts/${id}/contacts`),
  confirmContact: (id: string, residentId: string, state: 'contacted' | 'transferred') =>
    c.post<z.infer<typeof CalloutContactOut>>(`/api/callouts/${id}/contacts/${residentId}`, { state }),
  residents: () => c.get<z.infer<typeof ResidentList>>('/api/vulnerable-residents'),
  createResident: (body: ResidentCreate) => c.post<ResidentOut>('/api/vulnerable-residents', body),
});
