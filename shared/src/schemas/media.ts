import { z } from 'zod';
import type { ApiClient } from '../client';

/** Request and answer schemas of the media capability (shared by the server, the bot and the mini-program). */

/** Image types accepted for upload, judged by the file's bytes. */
export const MEDIA_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

export const MediaUploaded = z.object({ id: z.string() }).meta({ id: 'MediaUploaded' });
export type MediaUploaded = z.infer<typeof MediaUploaded>;

/** Typed helpers. `upload` sends multipart form data with the field `file`. */
export const mediaApi = (c: ApiClient) => ({
  upload(file: Blob, filename = 'photo.jpg'): Promise<MediaUploaded> {
    const form = new FormData();
    form.append('file', file, filename);
    return c.request<MediaUploaded>('POST', '/api/media', form);
  },
  url: (id: string) => `${c.baseUrl}/api/media/${id}`,
  thumbnailUrl: (id: string) => `${c.baseUrl}/api/media/${id}/thumbnail`,
});
