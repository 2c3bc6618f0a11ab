import {
  AppError,
  HAZARD_CATEGORIES,
  HAZARD_STATUS_LABELS,
  TIP_STATUS_LABELS,
  categoryLabel,
  type HazardCategory,
  type HazardOut,
  type HazardStatus,
  type TipStatus,
} from '@yingji/shared';
import { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { maskPhonesIn } from '../events/privacy';
import { HazardModel } from '../hazards/hazard.model';
import { outsideView } from '../moderation/present';
import { getHazard, listHazards } from '../hazards/service';
import { createTip } from '../tips/service';
import { TipModel } from '../tips/tip.model';

/**
 * Open311 GeoReport v2 over the hazard list: the service list is the category list, a request is
 * a hazard (or a tip not yet triaged), `status` is `open` or `closed` and our own status is in
 * `status_notes`. No reporter, no phone number leaves, and no photo; a text the content check
 * flagged or has not checked yet is replaced by a neutral marker (moderation/present.ts).
 */
export function services() {
  return HAZARD_CATEGORIES.map((c) => ({
    service_code: c.code,
    service_name: c.label,
    description: c.label,
    metadata: false,
    type: 'realtime',
    keywords: '',
    group: (c as { group?: string }).group ?? '',
  }));
}

/** The descriptions outside systems may read, by hazard id (the key's office role sees all in the app). */
async function outsideTexts(items: HazardOut[]): Promise<Map<string, string>> {
  const docs = await HazardModel.find({ _id: { $in: items.map((h) => new Types.ObjectId(h.id)) } })
    .select('_id description source tips mediaIds')
    .lean();
  const view = await outsideView('hazard', docs);
  return new Map(
    docs.map((d) => {
      const v = view(d);
      return [String(d._id), v.withheld ? v.description : maskPhonesIn(d.description)];
    }),
  );
}

function fromHazard(h: HazardOut, texts: Map<string, string>, updated?: Date) {
  return {
    service_request_id: h.code,
    status: h.status === 'closed' ? 'closed' : 'open',
    status_notes: HAZARD_STATUS_LABELS[h.status as HazardStatus],
    service_name: categoryLabel(h.category),
    service_code: h.category,
    description: texts.get(h.id) ?? '',
    agency_responsible: h.responsibleUnit ?? h.department ?? '',
    service_notice: '',
    requested_datetime: h.discoveredAt,
    updated_datetime: (updated ?? new Date(h.closedAt ?? h.discoveredAt)).toISOString(),
    expected_datetime: h.deadline ?? '',
    address: h.location.address ?? '',
    address_id: '',
    zipcode: '',
    lat: h.location.lat,
    long: h.location.lng,
    media_url: '',
  };
}

export async function listRequests(
  caller: Caller,
  q: {
    service_code?: string;
    status?: 'open' | 'closed';
    service_request_id?: string;
    page: number;
    page_size: number;
  },
) {
  if (q.service_request_id) {
    const out = [];
    for (const id of q.service_request_id.split(',').slice(0, 50)) out.push(...(await getRequest(caller, id.trim())));
    return out;
  }
  const { items } = await listHazards(caller, {
    status: q.status,
    category: q.service_code as HazardCategory | undefined,
    page: q.page,
    pageSize: q.page_size,
  });
  const texts = await outsideTexts(items);
  return items.map((h) => fromHazard(h, texts));
}

/** A request by its hazard code, or by the tip code a POST answered (then the hazard it became, if any). */
export async function getRequest(caller: Caller, id: string) {
  const code = id.toUpperCase();
  const h = await HazardModel.findOne({ town: caller.town, code }).select('_id').lean();
  const tip = h ? undefined : await TipModel.findOne({ town: caller.town, code }).lean();
  const hazardId = h?._id ?? tip?.hazard;
  if (hazardId) {
    // Only the Open311 fields of the detail leave (not its tips or their reporters).
    const doc = await getHazard(caller, String(hazardId));
    return [{ ...fromHazard(doc, await outsideTexts([doc])), ...(tip ? { service_request_id: tip.code } : {}) }];
  }
  if (!tip) throw new AppError('NOT_FOUND');
  const status = tip.status as TipStatus;
  const text = (await outsideView('tip', [tip]))(tip);
  return [
    {
      service_request_id: tip.code,
      status: status === 'submitted' ? 'open' : 'closed',
      status_notes: TIP_STATUS_LABELS[status],
      service_name: categoryLabel(tip.category),
      service_code: tip.category,
      description: text.withheld ? text.description : maskPhonesIn(tip.description),
      requested_datetime: tip.submittedAt.toISOString(),
      updated_datetime: tip.submittedAt.toISOString(),
      address: tip.location?.address ?? '',
      lat: tip.location?.lat,
      long: tip.location?.lng,
    },
  ];
}

/** A civic-report tool files a tip (an `intake` key as `api_key`): it enters the triage queue. */
export async function postRequest(
  services: AppServices,
  caller: Caller,
  body: { service_code: string; lat: number; long: number; address_string?: string; description?: string },
) {
  if (!HAZARD_CATEGORIES.some((c) => c.code === body.service_code)) throw new AppError('VALIDATION_FAILED');
  const tip = await createTip(services, caller, {
    category: body.service_code as HazardCategory,
    description: `【Open311】${body.description?.trim() || categoryLabel(body.service_code)}`,
    location: { lat: body.lat, lng: body.long, ...(body.address_string ? { address: body.address_string } : {}) },
    mediaIds: [],
    confidential: false,
    source: 'open311',
  });
  return [{ service_request_id: tip.code, service_notice: '已收到，待镇应急办受理', account_id: '' }];
}
