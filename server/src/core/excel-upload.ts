import multer from '@koa/multer';
import type Koa from 'koa';
import { AppError } from '@yingji/shared';
import type { AppState } from './context';

/** The console's Excel imports (roster, shelters, hazard points): one file of at most 5 MB, kept in memory. */
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024, files: 1 } });

/** The Excel file as multipart field `file`; anything else is IMPORT_FILE_INVALID. */
export const parseXlsx: Koa.Middleware<AppState> = async (ctx, next) => {
  try {
    await (upload.single('file') as unknown as Koa.Middleware<AppState>)(ctx, async () => undefined);
  } catch {
    throw new AppError('IMPORT_FILE_INVALID');
  }
  await next();
};

/** The uploaded file's bytes (after parseXlsx); none, or an empty one, is IMPORT_FILE_INVALID. */
export function uploadedXlsx(ctx: Koa.ParameterizedContext<AppState>): Buffer {
  const file = (ctx.request as unknown as { file?: { buffer: Buffer } }).file;
  if (!file?.buffer?.length) throw new AppError('IMPORT_FILE_INVALID');
  return file.buffer;
}
