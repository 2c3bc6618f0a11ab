import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration from the environment, validated once at start. A wrong value stops the start
 * with a message naming the variable. Every variable here is documented in the README's table.
 */
const port = z.coerce.number().int().min(0).max(65535);
const url = z.url({ protocol: /^https?$/ });
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/.+/, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  JWT_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10240).default(256),
  /** Largest number of data rows an Excel import (roster, shelters, hazard points) reads; more is refused. */
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  DEFAULT_TOWN: z.preprocess(emptyAsUndefined, z.string().min(1).max(16).optional()),
  SEED_DEMO: z
    .enum(['auto', 'true', 'false'])
    .default('auto')
    .describe('auto: load the sample town into an empty embedded database'),
  /** Shared secret of bot processes (Wechaty, terminal) calling the API as a service. */
  BOT_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  /** WeCom callback (接收消息): our corp id, and the app's Token and EncodingAESKey from 设置API接收. */
  WECOM_CORP_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  WECOM_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
  WECOM_ENCODING_AES_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey')
      .optional(),
  ),
  /** WeCom API (self-built app): its secret and agent id; the host is configurable for tests. */
  WECOM_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  WECOM_AGENT_ID: z.preprocess(emptyAsUndefined, z.string().regex(/^\d+$/, 'must be the numeric AgentId').optional()),
  WECOM_API_BASE: url.default('https://qyapi.weixin.qq.com'),
  WECOM_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** First back-off delay after -1/45033 (4x for 45009); doubles per retry, 3 retries. */
  WECOM_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  /** A WeCom callback whose signed timestamp is further than this from now is refused (replays). */
  WECOM_CALLBACK_MAX_SKEW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  /** WeCom callbacks processed at once after the answer; more wait in a bounded queue. */
  WECOM_CALLBACK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** Outbox workers: claim lease, retries before parking, base back-off, poll interval. */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Sends each channel's worker keeps in flight (WeCom answers in tens of milliseconds; 16 keep it busy). */
  OUTBOX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  FERRETDB_BIN: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** 天地图 browser key: with it the town map draws 天地图's base map under our layers (without, our layers alone). */
  TIANDITU_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[0-9a-f]{32}$/i, 'must be the 32-character 天地图 key')
      .optional(),
  ),
  WECHAT_APPID: z.preprocess(emptyAsUndefined, z.string().optional()),
  WECHAT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  WECHAT_API_BASE: url.default('https://api.weixin.qq.com'),
  /** The mini-program's message push (消息推送, plaintext JSON): its Token, for the content-check results. */
  WECHAT_PUSH_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(3).max(32).optional()),
  /** This server's public HTTPS address, from which WeChat fetches photos to check (media_check_async). */
  PUBLIC_BASE_URL: z.preprocess(emptyAsUndefined, url.optional()),
  /** Webhooks: `true` also allows plain-HTTP receivers on loopback (tests); otherwise HTTPS only. */
  WEBHOOK_ALLOW_HTTP_LOOPBACK: z.enum(['true', 'false']).default('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /**
   * Video-alarm snapshots are never fetched from private, loopback or link-local addresses, except
   * from these (comma-separated host names, IP addresses or CIDR ranges; e.g. a camera platform on
   * the town's LAN, or 127.0.0.1 in tests).
   */
  INTAKE_SNAPSHOT_ALLOW_HOSTS: z.preprocess(emptyAsUndefined, z.string().max(2000).optional()),
  /** SMS / voice-notification gateway (the last rung of the ladder): base URL, credentials, templates. */
  SMS_API_BASE: z.preprocess(emptyAsUndefined, url.optional()),
  SMS_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMS_ACCESS_KEY_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMS_SIGN_NAME: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMS_TEMPLATE_CODE: z.preprocess(emptyAsUndefined, z.string().optional()),
  SMS_TTS_CODE: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** The gateway's delivery reports must carry this token (X-Sms-Report-Token). */
  SMS_REPORT_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16).optional()),
  /** The H5 console build served at /app/ (default: miniprogram/dist-h5 of this checkout). */
  WEB_DIST_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export type Config = z.infer<typeof EnvSchema> & { JWT_SECRET: string; dataDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parse the environment. Without JWT_SECRET outside production, a random secret is created once
 * and kept in DATA_DIR so tokens survive restarts; production must set it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${String(i.path[0] ?? '?')}=${JSON.stringify(env[String(i.path[0])] ?? '')}: ${i.message}`,
      ),
    );
  }
  const cfg = parsed.data;
  const dataDir = path.resolve(cfg.DATA_DIR);
  let secret = cfg.JWT_SECRET;
  if (!secret) {
    if (cfg.NODE_ENV === 'production') throw new ConfigError(['JWT_SECRET: required when NODE_ENV=production']);
    secret = localSecret(dataDir);
  }
  return { ...cfg, JWT_SECRET: secret, dataDir };
}

function localSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('hex');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
