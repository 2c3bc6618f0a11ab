import multer from '@koa/multer';
import type Koa from 'koa';
import { z } from 'zod';
import { AppError, MEDIA_MAX_BYTES, MediaUploaded, OFFICE_ROLES, ObjectIdString } from '@yingji/shared';
import type { AppState } from '../core/context';
import type { Module } from '../core/module';
import { originalAccessLog, readForCheck, readMedia, readOriginal, uploadMedia } from './service';

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
const OriginalQuery = z.object({ purpose: z.string().trim().min(1).max(200).default('应急办查看原图') });
const CheckQuery = z.object({ exp: z.coerce.number().int(), sig: z.string().min(1).max(100) });

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
        summary: '查看图片（去除位置等元数据的副本，应急办亦然；原图另行申请）',
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
    api.route(
      {
        method: 'get',
        path: '/api/media/:id/original',
        summary: '下载原图（含拍摄位置等元数据；仅应急办，每次下载记入审计）',
        tags: ['media'],
        auth: OFFICE_ROLES,
        params: Params,
        query: OriginalQuery,
        produces: 'image/*',
      },
      async ({ ctx, caller, services, params, query }) => {
        const m = await readOriginal(services, caller, params.id, query.purpose);
        ctx.set('Cache-Control', 'no-store');
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.attachment(m.name);
        ctx.type = m.mime;
        ctx.body = m.body;
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/media/audit/originals',
        summary: '原图下载记录',
        tags: ['media'],
        auth: OFFICE_ROLES,
      },
      ({ caller }) => originalAccessLog(caller),
    );
    api.route(
      {
        method: 'get',
        path: '/api/media/:id/check',
        summary: '供微信内容安全检测拉取的图片（签名地址，限时有效，无元数据）',
        tags: ['media'],
        auth: 'public',
        params: Params,
        query: CheckQuery,
        produces: 'image/*',
      },
      async ({ ctx, services, params, query }) => {
        const m = await readForCheck(services, params.id, query.exp, query.sig);
        ctx.set('Cache-Control', 'no-store');
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.type = m.mime;
        ctx.body = m.body;
      },
    );
  },
};
