import Taro from '@tarojs/taro';
import { ApiError } from '@yingji/shared';
import { API_BASE, api, NetworkError } from './api';

/** Longest side of an uploaded photo: plenty to see a crack, small enough for a weak signal. */
const MAX_SIDE = 1600;
const QUALITY = 0.7;

/**
 * Let the user pick photos (camera or album). WeChat asks for camera/album permission itself, at
 * this moment and not before; the H5 build opens the browser's file picker.
 */
export async function choosePhotos(max: number): Promise<string[]> {
  const res = await Taro.chooseImage({ count: max, sizeType: ['compressed'], sourceType: ['camera', 'album'] });
  return res.tempFilePaths.slice(0, max);
}

/** H5: scale down and re-encode as JPEG on a canvas; answers a data: URL (it survives a reload in storage). */
async function compressOnCanvas(src: string): Promise<string> {
  const img = await new Promise<HTMLImageElement>((resolve, reject) => {
    const el = new Image();
    el.onload = () => resolve(el);
    el.onerror = () => reject(new Error('图片无法读取'));
    el.src = src;
  });
  const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return src;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', QUALITY);
}

/**
 * Compress a chosen photo and keep it somewhere that outlives this page, so a tip waiting in the
 * offline queue still has its photos after the app was closed.
 */
export async function compressAndKeep(path: string): Promise<string> {
  if (process.env.TARO_ENV === 'h5') return compressOnCanvas(path);
  let out = path;
  try {
    out = (await Taro.compressImage({ src: path, quality: Math.round(QUALITY * 100) })).tempFilePath;
  } catch {
    // Some devices cannot compress (e.g. already small images); upload the original.
  }
  try {
    const fs = Taro.getFileSystemManager();
    const saved = await new Promise<string>((resolve, reject) =>
      fs.saveFile({ tempFilePath: out, success: (r) => resolve(r.savedFilePath), fail: reject }),
    );
    return saved;
  } catch {
    return out;
  }
}

/** Remove a kept photo once its tip has been delivered. */
export function forgetPhoto(path: string): void {
  if (process.env.TARO_ENV === 'h5' || !path) return;
  try {
    Taro.getFileSystemManager().removeSavedFile({ filePath: path, fail: () => undefined });
  } catch {
    // not a saved file
  }
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/** Upload one photo (POST /api/media, field `file`) and answer its media id. */
export async function uploadPhoto(path: string): Promise<string> {
  const token = api().token;
  const url = `${API_BASE}/api/media`;
  let status: number;
  let body: unknown;
  if (process.env.TARO_ENV === 'h5') {
    let res: Response;
    try {
      const blob = await (await fetch(path)).blob();
      const form = new FormData();
      form.append('file', blob, 'photo.jpg');
      res = await fetch(url, {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body: form,
      });
    } catch {
      throw new NetworkError();
    }
    status = res.status;
    body = parseJson(await res.text());
  } else {
    const res = await new Promise<Taro.uploadFile.SuccessCallbackResult>((resolve, reject) =>
      Taro.uploadFile({
        url,
        filePath: path,
        name: 'file',
        header: token ? { authorization: `Bearer ${token}` } : {},
        timeout: 60000,
        success: resolve,
        fail: () => reject(new NetworkError()),
      }),
    );
    status = res.statusCode;
    body = parseJson(res.data);
  }
  const b = body as { id?: string; error?: { code: string; message: string } };
  if (status >= 400 || !b?.id) {
    throw new ApiError(status, b?.error?.code ?? `HTTP_${status}`, b?.error?.message ?? '照片上传失败');
  }
  return b.id;
}

const cache = new Map<string, string>();

/**
 * A displayable source for a stored photo. Media needs the bearer token, which <Image src> cannot
 * send, so the H5 build fetches it into a blob: URL and the weapp downloads it to a temp file.
 */
export async function mediaSrc(id: string, thumbnail = true): Promise<string> {
  const key = `${id}:${thumbnail}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const url = `${API_BASE}/api/media/${id}${thumbnail ? '/thumbnail' : ''}`;
  const header: Record<string, string> = api().token ? { authorization: `Bearer ${api().token}` } : {};
  let src: string;
  if (process.env.TARO_ENV === 'h5') {
    const res = await fetch(url, { headers: header });
    if (!res.ok) throw new Error(`media ${res.status}`);
    src = URL.createObjectURL(await res.blob());
  } else {
    const res = await Taro.downloadFile({ url, header });
    if (res.statusCode >= 400) throw new Error(`media ${res.statusCode}`);
    src = res.tempFilePath;
  }
  cache.set(key, src);
  return src;
}

/** Download a file the server makes (the .xlsx exports) with the user's token, and open or save it. */
export async function downloadExport(path: string, filename: string): Promise<void> {
  const url = `${API_BASE}${path}`;
  const header: Record<string, string> = api().token ? { authorization: `Bearer ${api().token}` } : {};
  if (process.env.TARO_ENV === 'h5') {
    const res = await fetch(url, { headers: header });
    if (!res.ok) {
      const b = parseJson(await res.text()) as { error?: { code: string; message: string } };
      throw new ApiError(res.status, b?.error?.code ?? `HTTP_${res.status}`, b?.error?.message ?? '导出失败');
    }
    const href = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = href;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10000);
    return;
  }
  const res = await Taro.downloadFile({ url, header });
  if (res.statusCode >= 400) throw new ApiError(res.statusCode, `HTTP_${res.statusCode}`, '导出失败');
  await Taro.openDocument({ filePath: res.tempFilePath, fileType: 'xlsx', showMenu: true });
}
