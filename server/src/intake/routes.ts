import multer from '@koa/multer';
import {
  AlarmAccepted,
  AlarmIntake,
  AppError,
  CalloutCapImport,
  CalloutDraftList,
  IntakeRules,
  OFFICE_ROLES,
} from '@yingji/shared';
import type Koa from 'koa';
import type { ApiKeyState } from '../apikeys/auth';
import type { Module } from '../core/module';
import type { AppState } from '../core/context';
import { receiveCap } from './cap';
import { getRules, listDrafts, receiveAlarm, setRules } from './service';
import { SNAPSHOT_MAX_BYTES } from './snapshot';

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: SNAPSHOT_MAX_BYTES, files: 1, fields: 5, parts: 6 },
});

/**
 * The multipart form of an alarm: field `alarm` (the same JSON as the JSON form) and file
 * `snapshot`. A JSON request passes through.
 */
const parseMultipart: Koa.Middleware<AppState> = async (ctx, next) => {
  if (!ctx.is('multipart/form-data')) return next();
  try {
    await (upload.single('snapshot') as unknown as Koa.Middleware<AppState>)(ctx, async () => undefined);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') throw new AppError('SNAPSHOT_TOO_LARGE');
    throw new AppError('VALIDATION_FAILED');
  }
  const req = ctx.request as unknown as { body?: { alarm?: string }; file?: { buffer: Buffer } };
  try {
    req.body = JSON.parse(req.body?.alarm ?? '') as { alarm?: string };
  } catch {
    throw new AppError('VALIDATION_FAILED', { message: '请在 alarm 字段提交告警内容（JSON）' });
  }
  await next();
};

/** CAP arrives as raw XML (application/xml, text/xml, application/cap+xml) or as JSON { xml }. */
const rawXml: Koa.Middleware<AppState> = async (ctx, next) => {
  if (ctx.is('application/xml', 'text/xml', 'application/cap+xml')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 512 * 1024) throw new AppError('PAYLOAD_TOO_LARGE');
      chunks.push(chunk);
    }
    (ctx.request as { body?: unknown }).body = { xml: Buffer.concat(chunks).toString('utf8') };
  }
  await next();
};

/** Machine intake: AI video alarms (with an `intake` key), the town's intake rules and the warning drafts. */
export const intakeModule: Module = {
  name: 'intake',
  routes(api) {
    api.route(
      {
        method: 'post',
        path: '/api/cap/alerts',
        summary: '接收县级平台的 CAP 1.2 预警（X-Api-Key，cap 权限；Alert 发布、Update 更新、Cancel 解除）',
        tags: ['integrations'],
        auth: { apiKey: 'cap' },
        before: [rawXml],
        body: CalloutCapImport,
        status: 201,
      },
      ({ services, caller, body }) => receiveCap(services, caller, body.xml),
    );
    api.route(
      {
        method: 'post',
        path: '/api/intake/alarms',
        summary: '接收视频监控告警（X-Api-Key，intake 权限；JSON 或 multipart: alarm + snapshot）',
        tags: ['integrations'],
        auth: { apiKey: 'intake' },
        before: [parseMultipart],
        body: AlarmIntake,
        status: 201,
        response: AlarmAccepted,
      },
      ({ services, caller, body, ctx }) => {
        const file = (ctx.request as unknown as { file?: { buffer: Buffer } }).file;
        const keyId = (ctx.state as ApiKeyState).apiKey?.id;
        return receiveAlarm(services, caller, keyId, body, file?.buffer?.length ? file.buffer : undefined);
      },
    );
    api.route(
      {
        method: 'get',
        path: '/api/intake/rules',
        summary: '视频告警规则（合并时长、高置信度直接登记隐患）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: IntakeRules,
      },
      ({ caller }) => getRules(caller),
    );
    api.route(
      {
        method: 'put',
        path: '/api/intake/rules',
        summary: '设置视频告警规则',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        body: IntakeRules,
        response: IntakeRules,
      },
      ({ caller, body }) => setRules(caller, body),
    );
    api.route(
      {
        method: 'get',
        path: '/api/intake/callout-drafts',
        summary: '由高置信度告警生成的预警草稿（由应急办发布）',
        tags: ['integrations'],
        auth: OFFICE_ROLES,
        response: CalloutDraftList,
      },
      ({ caller }) => listDrafts(caller),
    );
  },
};
