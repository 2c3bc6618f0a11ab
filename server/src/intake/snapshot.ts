import { AppError } from '@yingji/shared';

export const SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 5000;

/**
 * Fetch an alarm's snapshot with limits: 5 s, 5 MB read at most (stopped as soon as it is larger),
 * an image content type, no redirects. The media service then checks it really is an image.
 */
export async function fetchSnapshot(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new AppError('SNAPSHOT_FETCH_FAILED');
  }
  if (!res.ok || !res.body || !/^image\//i.test(res.headers.get('content-type') ?? '')) {
    await res.body?.cancel().catch(() => undefined);
    throw new AppError('SNAPSHOT_FETCH_FAILED');
  }
  if (Number(res.headers.get('content-length') ?? 0) > SNAPSHOT_MAX_BYTES) {
    await res.body.cancel().catch(() => undefined);
    throw new AppError('SNAPSHOT_TOO_LARGE');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > SNAPSHOT_MAX_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new AppError('SNAPSHOT_TOO_LARGE');
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('SNAPSHOT_FETCH_FAILED');
  }
  return Buffer.concat(chunks);
}
