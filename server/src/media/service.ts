import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { AppError, isOffice } from '@yingji/shared';
import type { Config } from '../config';
import type { AppServices, Caller } from '../core/context';
import { HazardModel } from '../hazards/hazard.model';
import { hazardScope } from '../hazards/scope';
import { TipModel } from '../tips/tip.model';
import { tipScope } from '../tips/scope';
import { MediaCheckModel, SHOWN_MEDIA_STATES, type MediaCheckState } from '../moderation/check.model';
import { OriginalAccessModel } from './access.model';
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

/**
 * Whether the content check lets this caller see the photo: the office always (with the mark), the
 * uploader unless it was flagged, everyone else only once it passed (or could not be checked).
 */
export async function checkAllows(caller: Caller, m: { _id: Types.ObjectId; uploader: unknown }): Promise<boolean> {
  if (isOffice(caller.role)) return true;
  const c = await MediaCheckModel.findById(m._id).select('state').lean<{ state: MediaCheckState } | null>();
  if (!c) return true; // not yet looked at by the job: the photo of a tip seconds old
  if (String(m.uploader) === caller.id) return c.state !== 'risky' && c.state !== 'review';
  return SHOWN_MEDIA_STATES.includes(c.state);
}

/**
 * The bytes of a photo for this caller: the copy without metadata (EXIF, GPS) for everyone, the
 * office included; the original only through `readOriginal`.
 */
export async function readMedia(
  services: AppServices,
  caller: Caller,
  id: string,
  variant: 'full' | 'thumbnail',
): Promise<{ body: Buffer; mime: string }> {
  const m = Types.ObjectId.isValid(id) ? await MediaModel.findById(id).lean() : null;
  if (!m?.keys || !(await canView(caller, m)) || !(await checkAllows(caller, m))) throw new AppError('MEDIA_NOT_FOUND');
  const key = variant === 'thumbnail' ? m.keys.thumbnail : m.keys.shared;
  const body = await mediaStorage(services.config.dataDir).get(key);
  if (!body) throw new AppError('MEDIA_NOT_FOUND');
  return { body, mime: variant === 'thumbnail' ? 'image/jpeg' : m.mime };
}

/** The original upload (EXIF and GPS as taken), for the office on explicit request; every download is audited. */
export async function readOriginal(
  services: AppServices,
  caller: Caller,
  id: string,
  purpose: string,
): Promise<{ body: Buffer; mime: string; name: string }> {
  if (!isOffice(caller.role)) throw new AppError('FORBIDDEN');
  const m = Types.ObjectId.isValid(id) ? await MediaModel.findById(id).lean() : null;
  if (!m?.keys || String(m.town) !== caller.townId) throw new AppError('MEDIA_NOT_FOUND');
  const body = await mediaStorage(services.config.dataDir).get(m.keys.original);
  if (!body) throw new AppError('MEDIA_NOT_FOUND');
  await OriginalAccessModel.create({
    town: caller.town,
    media: m._id,
    viewer: caller._id,
    viewerName: caller.name,
    viewerRole: caller.role,
    purpose,
    at: services.clock.now(),
  });
  return { body, mime: m.mime, name: `original-${String(m._id)}.${m.keys.original.split('.').pop()}` };
}

/** The audit of original downloads, newest first. */
export async function originalAccessLog(caller: Caller) {
  const docs = await OriginalAccessModel.find({ town: caller.town }).sort({ at: -1 }).limit(500).lean();
  return {
    items: docs.map((d) => ({
      at: d.at.toISOString(),
      media: String(d.media),
      viewer: { id: String(d.viewer), name: d.viewerName },
      purpose: d.purpose,
    })),
  };
}

/** How long a photo address handed to WeChat's check stays good (it fetches within minutes). */
const CHECK_URL_TTL_S = 2 * 3600;
const sign = (config: Config, id: string, exp: number) =>
  crypto.createHmac('sha256', config.JWT_SECRET).update(`media-check:${id}:${exp}`).digest('base64url');

/** A public, expiring address of the photo's copy without metadata, for mediaCheckAsync. */
export function signedCheckUrl(config: Config, base: string, id: string, now: Date): string {
  const exp = Math.floor(now.getTime() / 1000) + CHECK_URL_TTL_S;
  return `${base.replace(/\/$/, '')}/api/media/${id}/check?exp=${exp}&sig=${sign(config, id, exp)}`;
}

/** The copy without metadata for a signed check address; nothing for a wrong or expired one. */
export async function readForCheck(
  services: AppServices,
  id: string,
  exp: number,
  sig: string,
): Promise<{ body: Buffer; mime: string }> {
  const want = Buffer.from(sign(services.config, id, exp));
  const got = Buffer.from(sig);
  const ok = want.length === got.length && crypto.timingSafeEqual(want, got);
  if (!ok || exp * 1000 < services.clock.now().getTime()) throw new AppError('MEDIA_NOT_FOUND');
  const m = await MediaModel.findById(id).lean();
  const body = m?.keys ? await mediaStorage(services.config.dataDir).get(m.keys.shared) : undefined;
  if (!m || !body) throw new AppError('MEDIA_NOT_FOUND');
  return { body, mime: m.mime };
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
