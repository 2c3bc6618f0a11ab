import { Types } from 'mongoose';
import { AppError, isOffice } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { HazardModel } from '../hazards/hazard.model';
import { hazardScope } from '../hazards/scope';
import { TipModel } from '../tips/tip.model';
import { tipScope } from '../tips/scope';
import { detectImage, processImage } from './image';
import { MediaModel, type Media } from './media.model';
import { mediaStorage } from './storage';

/**
 * Store an uploaded photo: judge its type by its bytes, keep the original for the office, make a
 * copy and a thumbnail without metadata for everyone else. Nothing is recorded unless all is stored.
 */
export async function uploadMedia(services: AppServices, caller: Caller, buf: Buffer): Promise<{ id: string }> {
  const { mime, ext } = await detectImage(buf);
  const img = await processImage(buf, mime);
  const id = new Types.ObjectId();
  const dir = `${caller.townId}/${String(id)}`;
  const keys = { original: `${dir}/original.${ext}`, shared: `${dir}/shared.${ext}`, thumbnail: `${dir}/thumb.jpg` };
  const store = mediaStorage(services.config.dataDir);
  try {
    await store.put(keys.original, buf);
    await store.put(keys.shared, img.shared);
    await store.put(keys.thumbnail, img.thumbnail);
    await MediaModel.create({
      _id: id,
      town: caller.town,
      uploader: caller._id,
      mime,
      size: buf.length,
      width: img.width,
      height: img.height,
      hadExif: img.hadExif,
      keys,
      uploadedAt: services.clock.now(),
    });
  } catch (e) {
    await Promise.all(Object.values(keys).map((k) => store.delete(k).catch(() => undefined)));
    throw e;
  }
  return { id: String(id) };
}

/**
 * Who may see a photo: the office of its town, its uploader, and whoever may see a tip or a
 * hazard it belongs to.
 */
export async function canView(caller: Caller, m: Media & { _id: Types.ObjectId }): Promise<boolean> {
  if (String(m.town) !== caller.townId) return false;
  if (isOffice(caller.role) || String(m.uploader) === caller.id) return true;
  if (await TipModel.exists({ $and: [tipScope(caller), { mediaIds: m._id }] })) return true;
  if (caller.role !== 'resident' && (await HazardModel.exists({ $and: [hazardScope(caller), { mediaIds: m._id }] })))
    return true;
  return false;
}

/** The bytes of a photo for this caller: the office gets the original, others the stripped copy. */
export async function readMedia(
  services: AppServices,
  caller: Caller,
  id: string,
  variant: 'full' | 'thumbnail',
): Promise<{ body: Buffer; mime: string }> {
  const m = Types.ObjectId.isValid(id) ? await MediaModel.findById(id).lean() : null;
  if (!m?.keys || !(await canView(caller, m))) throw new AppError('MEDIA_NOT_FOUND');
  const { keys } = m;
  const key = variant === 'thumbnail' ? keys.thumbnail : isOffice(caller.role) ? keys.original : keys.shared;
  const body = await mediaStorage(services.config.dataDir).get(key);
  if (!body) throw new AppError('MEDIA_NOT_FOUND');
  return { body, mime: variant === 'thumbnail' ? 'image/jpeg' : m.mime };
}

/**
 * Check photos a caller attaches to a tip or a hazard: each must exist in the caller's town and
 * have been uploaded by the caller (the office may attach any of the town's).
 */
export async function attachableMedia(caller: Caller, ids: readonly string[] | undefined): Promise<Types.ObjectId[]> {
  const unique = [...new Set(ids ?? [])];
  if (unique.length === 0) return [];
  const filter: Record<string, unknown> = { _id: { $in: unique.map((i) => new Types.ObjectId(i)) }, town: caller.town };
  if (!isOffice(caller.role)) filter.uploader = caller._id;
  const found = await MediaModel.find(filter).select('_id').lean();
  if (found.length !== unique.length) throw new AppError('MEDIA_UNKNOWN');
  return unique.map((i) => new Types.ObjectId(i));
}
