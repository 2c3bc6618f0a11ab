import sharp from 'sharp';
import { fileTypeFromBuffer } from 'file-type';
import { AppError, MEDIA_MIME_TYPES } from '@yingji/shared';

export type ImageMime = (typeof MEDIA_MIME_TYPES)[number];
const EXT: Record<ImageMime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** The image type judged by the bytes (magic numbers), never by the file name or the declared type. */
export async function detectImage(buf: Buffer): Promise<{ mime: ImageMime; ext: string }> {
  const type = await fileTypeFromBuffer(buf);
  const mime = type?.mime as ImageMime | undefined;
  if (!mime || !MEDIA_MIME_TYPES.includes(mime)) throw new AppError('MEDIA_TYPE_NOT_ALLOWED');
  return { mime, ext: EXT[mime] };
}

export interface ProcessedImage {
  width?: number;
  height?: number;
  hadExif: boolean;
  /** The copy everyone but the office sees: re-encoded without any metadata (EXIF, GPS, XMP). */
  shared: Buffer;
  /** A small JPEG, also without metadata. */
  thumbnail: Buffer;
}

/** Decompression bombs are refused: at most 50 megapixels. */
const LIMIT_INPUT_PIXELS = 50_000_000;

export async function processImage(buf: Buffer, mime: ImageMime): Promise<ProcessedImage> {
  try {
    const input = () => sharp(buf, { limitInputPixels: LIMIT_INPUT_PIXELS, failOn: 'error' });
    const meta = await input().metadata();
    // rotate() applies the EXIF orientation before the metadata is dropped; sharp writes no
    // metadata unless asked (withMetadata/keepExif), so these copies carry no location.
    let shared = input().rotate();
    if (mime === 'image/jpeg') shared = shared.jpeg({ quality: 88, mozjpeg: true });
    else if (mime === 'image/png') shared = shared.png();
    else shared = shared.webp({ quality: 88 });
    const [sharedBuf, thumbnail] = await Promise.all([
      shared.toBuffer(),
      input()
        .rotate()
        .resize({ width: 320, height: 320, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 75 })
        .toBuffer(),
    ]);
    return { width: meta.width, height: meta.height, hadExif: Boolean(meta.exif), shared: sharedBuf, thumbnail };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('MEDIA_UNREADABLE');
  }
}
