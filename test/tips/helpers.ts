import sharp from 'sharp';
import { ApiError, mediaApi, type ApiClient } from '@yingji/shared';

/** The call must fail with an API error; answers that error. */
export async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

/** A small photo made on the spot, with EXIF GPS (a phone's location) unless told otherwise. */
export async function photo(
  opts: { format?: 'jpeg' | 'png' | 'webp'; gps?: boolean; width?: number; height?: number } = {},
): Promise<Buffer> {
  const { format = 'jpeg', gps = true, width = 64, height = 48 } = opts;
  let img = sharp({ create: { width, height, channels: 3, background: { r: 180, g: 90, b: 40 } } }).toFormat(format);
  if (gps) {
    img = img.withExif({
      IFD0: { Make: 'TestPhone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '29/1 47/1 1234/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '107/1 51/1 0/1',
      },
    });
  }
  return img.toBuffer();
}

/** Whether an image still carries an EXIF GPS block (the GPS IFD pointer, tag 0x8825). */
export async function hasGps(buf: Buffer): Promise<boolean> {
  const exif = (await sharp(buf).metadata()).exif;
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

export async function upload(client: ApiClient, buf: Buffer, filename = 'photo.jpg', type = 'image/jpeg') {
  return mediaApi(client).upload(new Blob([new Uint8Array(buf)], { type }), filename);
}

/** Raw GET with the client's token, answering status and bytes. */
export async function fetchBytes(client: ApiClient, path: string) {
  const res = await fetch(client.baseUrl + path, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

/** Points of the demo town: inside grid SQ-01 (十直社区), SH-01 (双河村), XJ-02 (新建村). */
export const PLACES = {
  sq01: { lat: 29.785, lng: 107.86, address: '十直社区河堤' },
  sh01: { lat: 29.785, lng: 107.88, address: '双河村桥头' },
  xj02: { lat: 29.815, lng: 107.88, address: '新建村后山' },
};
