import multer from '@koa/multer';
import type Koa from 'koa';
import { z } from 'zod';
import { AppError, MEDIA_MAX_BYTES, MediaUploaded, ObjectIdString } from '@yingji/shared';
import type { AppState } from '../core/context';
import type { Module } from '../core/module';
import { readMedia, uploadMedia } from './service';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MEDIA_MAX_BYTES, files: 1, fields: 10, parts: 12 },
});

/** Multipart parsing with our own error codes (too large, no `file` field). */
const parseUpload: Koa.Middleware<AppState> = async (ctx, next) => {
  try {
    await (upload.single('file') as unknown as Koa.Middleware<AppState>)(ctx, async () => undefined);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') throw new AppError('MEDIA_TOO_LARGE');
    if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') throw new AppError('MEDIA_FILE_REQUIRED');
    if (code?.startsWith('LIMIT_')) throw new AppError('VALIDATION_FAILED');
    throw new AppError('MEDIA_FILE_REQUIRED');
  }
  await next();
};

const Params = z.object({ id: ObjectIdString });

async function send(ctx: Koa.ParameterizedContext<AppState>, media: { body: Buffer; mime: string }) {
  ctx.set('Cache-Control', 'private, max-age=86400');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.type = media.mime;
  ctx.body = media.body;
}

/** Photos of tips and hazards: upload, and read back by those allowed to see them. */
export const mediaModule: Module = {
  name: 'media',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/media',
        summary: '上传图片（multipart 字段 file；JPG/PNG/WebP，不超过 10 MB）',
        tags: ['media'],
        auth: 'any',
        before: [parseUpload],
        status: 201,
        response: MediaUploaded,
      },
      async ({ ctx, caller, services }) => {
        const file = (ctx.request as unknown as { file?: { buffer: Buffer } }).file;
        if (!file?.buffer?.length) throw new AppError('MEDIA_FILE_REQUIRED');
        return uploadMedia(services, caller, file.buffer);
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/media/:id',
        summary: '查看图片（非应急办人员看到的是去除位置信息的副本）',
        tags: ['media'],
        params: Params,
        produces: 'image/*',
      },
      async ({ ctx, caller, services, params }) => send(ctx, await readMedia(services, caller, params.id, 'full')),
    );
    api.route(
      {
        method: 'get',
        path: '/api/media/:id/thumbnail',
        summary: '查看缩略图',
        tags: ['media'],
        params: Params,
        produces: 'image/jpeg',
      },
      async ({ ctx, caller, services, params }) => send(ctx, await readMedia(services, caller, params.id, 'thumbnail')),
    );
  },
};
