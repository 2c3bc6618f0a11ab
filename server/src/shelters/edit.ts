import { AppError, ShelterCreate, type ShelterOut } from '@yingji/shared';
import type { Types } from 'mongoose';
import { ShelterModel } from './model';
import { toShelterOut, transferTotals, villageOf } from './service';

/** An edit of a shelter: any field of its creation (capacity, open or closed, contact, place). */
export const ShelterUpdate = ShelterCreate.partial().meta({ id: 'ShelterUpdate' });
export type ShelterUpdate = typeof ShelterUpdate._output;

/** Change a shelter of the caller's town; the answer has its current occupancy. */
export async function updateShelter(town: Types.ObjectId, id: string, input: ShelterUpdate): Promise<ShelterOut> {
  const { villageId, ...rest } = input;
  const set: Record<string, unknown> = { ...rest };
  if (villageId !== undefined) set.village = await villageOf(town, villageId);
  if (input.code && (await ShelterModel.exists({ town, code: input.code, _id: { $ne: id } })))
    throw new AppError('SHELTER_CODE_TAKEN');
  const s = await ShelterModel.findOneAndUpdate({ _id: id, town }, { $set: set }, { returnDocument: 'after' }).lean();
  if (!s) throw new AppError('SHELTER_NOT_FOUND');
  return toShelterOut(s, (await transferTotals(town)).occupancy(s._id));
}
