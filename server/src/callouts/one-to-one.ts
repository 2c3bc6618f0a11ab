import type { z } from 'zod';
import {
  AppError,
  isOffice,
  type CalloutContactList,
  CalloutContactOut as ContactOutSchema,
  type ResidentCreate,
  type ResidentOut,
} from '@yingji/shared';
type CalloutContactOut = z.infer<typeof ContactOutSchema>;
import { Types } from 'mongoose';
import type { AppServices, Caller } from '../core/context';
import { GridModel, UserModel } from '../people/models';
import { CalloutContactModel, CalloutModel, CalloutRecipientModel, VulnerableResidentModel } from './callout.model';

/**
 * One-to-one call-outs (一对一叫应): vulnerable residents (特殊群体) each have a responsible person
 * (包保责任人). Their phone, address and location are personal data: shown to the office and to
 * that responsible person only.
 */

type ResidentLean = {
  _id: Types.ObjectId;
  kind: ResidentOut['kind'];
  name: string;
  phone?: string;
  address?: string;
  location?: { lat?: number; lng?: number };
  village?: Types.ObjectId;
  grid?: Types.ObjectId;
  responsible: Types.ObjectId;
};

function toResidentOut(r: ResidentLean, responsibleName?: string): ResidentOut {
  return {
    id: String(r._id),
    kind: r.kind,
    name: r.name,
    ...(r.phone ? { phone: r.phone } : {}),
    ...(r.address ? { address: r.address } : {}),
    ...(r.location?.lat !== undefined && r.location?.lng !== undefined
      ? { location: { lat: r.location.lat, lng: r.location.lng } }
      : {}),
    ...(r.grid ? { gridId: String(r.grid) } : {}),
    ...(r.village ? { villageId: String(r.village) } : {}),
    responsibleId: String(r.responsible),
    ...(responsibleName ? { responsibleName } : {}),
  };
}

/** The office sees the town's residents; a grid member or cadre sees those they are responsible for. */
export async function listResidents(caller: Caller): Promise<{ items: ResidentOut[] }> {
  const filter: Record<string, unknown> = { town: caller.town, active: true };
  if (!isOffice(caller.role)) filter.responsible = caller._id;
  const docs = await VulnerableResidentModel.find(filter).sort({ name: 1 }).lean<ResidentLean[]>();
  const users = await UserModel.find({ _id: { $in: docs.map((d) => d.responsible) } })
    .select('name')
    .lean();
  const names = new Map(users.map((u) => [String(u._id), u.name]));
  return { items: docs.map((d) => toResidentOut(d, names.get(String(d.responsible)))) };
}

export async function createResident(caller: Caller, input: ResidentCreate): Promise<ResidentOut> {
  const grid = await GridModel.findOne({
    town: caller.town,
    ...(Types.ObjectId.isValid(input.grid) && input.grid.length === 24
      ? { _id: input.grid }
      : { code: input.grid.toUpperCase() }),
  }).lean();
  if (!grid) throw new AppError('GRID_NOT_FOUND');
  const responsible = await UserModel.findOne({
    _id: input.responsibleId,
    town: caller.town,
    active: true,
    role: { $in: ['grid', 'cadre', 'office'] },
  })
    .select('name')
    .lean();
  if (!responsible) throw new AppError('RESIDENT_RESPONSIBLE_INVALID');
  const doc = await VulnerableResidentModel.create({
    town: caller.town,
    kind: input.kind,
    name: input.name,
    phone: input.phone,
    address: input.address,
    location: input.location,
    grid: grid._id,
    village: grid.village,
    responsible: responsible._id,
    note: input.note,
  });
  return toResidentOut(doc.toObject() as unknown as ResidentLean, responsible.name);
}

/** The one-to-one confirmations of a call-out: all for the office, their own for a responsible person. */
export async function listContacts(caller: Caller, calloutId: string): Promise<CalloutContactList> {
  const c = await CalloutModel.findOne({ _id: calloutId, town: caller.town }).select('_id').lean();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const filter: Record<string, unknown> = { callout: c._id };
  if (!isOffice(caller.role)) filter.responsible = caller._id;
  const contacts = await CalloutContactModel.find(filter).sort({ residentName: 1 }).lean();
  const residents = await VulnerableResidentModel.find({
    _id: { $in: contacts.map((x) => x.resident) },
    town: caller.town,
  })
    .select('phone address')
    .lean();
  const byId = new Map(residents.map((r) => [String(r._id), r]));
  return { items: contacts.map((x) => contactOut(x, byId.get(String(x.resident)))) };
}

function contactOut(
  x: {
    resident: Types.ObjectId;
    residentName: string;
    kind?: string | null;
    state: string;
    at?: Date | null;
    responsible: Types.ObjectId;
  },
  r?: { phone?: string | null; address?: string | null },
): CalloutContactOut {
  return {
    residentId: String(x.resident),
    name: x.residentName,
    ...(x.kind ? { kind: x.kind } : {}),
    state: x.state as CalloutContactOut['state'],
    ...(x.at ? { at: x.at.toISOString() } : {}),
    responsibleId: String(x.responsible),
    ...(r?.phone ? { phone: r.phone } : {}),
    ...(r?.address ? { address: r.address } : {}),
  };
}

/**
 * The responsible person (or the office) confirms contact (已联系) or transfer (已转移) of one
 * resident. pending → contacted/transferred counts once; contacted → transferred moves the count.
 */
export async function confirmContact(
  services: AppServices,
  caller: Caller,
  calloutId: string,
  residentId: string,
  state: 'contacted' | 'transferred',
): Promise<CalloutContactOut> {
  const c = await CalloutModel.findOne({ _id: calloutId, town: caller.town }).select('_id').lean();
  if (!c) throw new AppError('CALLOUT_NOT_FOUND');
  const id = `${calloutId}:${residentId}`;
  const x = await CalloutContactModel.findById(id).lean();
  if (!x) throw new AppError('CALLOUT_CONTACT_NOT_FOUND');
  if (!isOffice(caller.role) && String(x.responsible) !== caller.id) throw new AppError('FORBIDDEN');
  const now = services.clock.now();
  const recipientId = `${calloutId}:${String(x.responsible)}`;

  const fromPending = await CalloutContactModel.findOneAndUpdate(
    { _id: id, state: 'pending' },
    { $set: { state, at: now } },
    { returnDocument: 'after' },
  )
    .lean()
    .exec();
  if (fromPending) {
    await CalloutModel.updateOne({ _id: c._id }, { $inc: { [`oneToOne.${state}`]: 1 } }).exec();
    await CalloutRecipientModel.updateOne({ _id: recipientId }, { $inc: { contactsPending: -1 } }).exec();
    await CalloutRecipientModel.updateOne(
      { _id: recipientId, acked: true, contactsPending: 0 },
      { $set: { open: false } },
    ).exec();
    return contactOut(fromPending);
  }
  if (state === 'transferred') {
    const upgraded = await CalloutContactModel.findOneAndUpdate(
      { _id: id, state: 'contacted' },
      { $set: { state, at: now } },
      { returnDocument: 'after' },
    )
      .lean()
      .exec();
    if (upgraded) {
      await CalloutModel.updateOne(
        { _id: c._id },
        { $inc: { 'oneToOne.contacted': -1, 'oneToOne.transferred': 1 } },
      ).exec();
      return contactOut(upgraded);
    }
  }
  return contactOut((await CalloutContactModel.findById(id).lean())!);
}
