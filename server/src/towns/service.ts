import { AppError, type TownAdminCreate, type TownCreate, type TownOut } from '@yingji/shared';
import type { Types } from 'mongoose';
import { audit, type Actor } from '../audit/service';
import { hashPassword } from '../auth/passwords';
import type { AppServices, Caller } from '../core/context';
import { zodDetails } from '../core/errors';
import { TownModel, UserModel } from '../people/models';
import { TownConfigSchema, invalidateTownConfig, parseTownConfig, type TownConfig } from './config';
import { forgetTownCorps } from './wecom-corps';

export function toTownOut(t: { _id: Types.ObjectId; code: string; name: string; county?: string | null }): TownOut {
  return { id: String(t._id), code: t.code, name: t.name, county: t.county ?? undefined };
}

/** A new, empty town (platform administrator); its settings start from the defaults. */
export async function createTown(services: Pick<AppServices, 'clock'>, actor: Actor, input: TownCreate) {
  const code = input.code.toUpperCase();
  if (await TownModel.exists({ code })) throw new AppError('TOWN_CODE_TAKEN');
  let town;
  try {
    town = await TownModel.create({ code, name: input.name, county: input.county, center: input.center, config: {} });
    forgetTownCorps();
  } catch (e) {
    if ((e as { code?: number }).code === 11000) throw new AppError('TOWN_CODE_TAKEN');
    throw e;
  }
  await audit(services, town._id, actor, 'town.create', { target: code, after: toTownOut(town) });
  return town;
}

/** The town's first admin (or a county bureau account based there), created by the platform administrator. */
export async function createTownAdmin(
  services: Pick<AppServices, 'clock'>,
  actor: Actor,
  townId: Types.ObjectId,
  input: TownAdminCreate,
) {
  const town = await TownModel.findById(townId).lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  if (input.role === 'county' && !town.county) throw new AppError('COUNTY_NOT_SET');
  if (await UserModel.exists({ username: input.username })) throw new AppError('USERNAME_TAKEN');
  const user = await UserModel.create({
    town: town._id,
    username: input.username,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    name: input.name,
    phone: input.phone,
  });
  await audit(services, town._id, actor, 'user.create', {
    target: input.username,
    after: { username: input.username, role: input.role, name: input.name },
  });
  return user;
}

/** Towns a caller may look at: all for the platform, the county's for the county, else their own. */
export async function visibleTowns(caller: Caller): Promise<TownOut[]> {
  if (caller.role === 'platform') return (await TownModel.find().sort({ code: 1 }).lean()).map(toTownOut);
  const home = await TownModel.findById(caller.homeTown ?? caller.town).lean();
  if (!home) throw new AppError('TOWN_NOT_FOUND');
  if (caller.role === 'county' && home.county)
    return (await TownModel.find({ county: home.county }).sort({ code: 1 }).lean()).map(toTownOut);
  return [toTownOut(home)];
}

// ---- settings ---------------------------------------------------------------------------------

const MASK = '******';
/** Never shown back: the app's secret and its callback keys. */
const WECOM_SECRETS = ['secret', 'token', 'encodingAESKey'] as const;
const ALIASES: Record<string, string> = { hazardDeadlineDays: 'deadlineDays' };
const EXPOSED: Record<string, string> = { deadlineDays: 'hazardDeadlineDays' };

/** Settings as the API shows them: contract names, the WeCom secret masked. */
export function configView(cfg: TownConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) out[EXPOSED[k] ?? k] = v;
  const app: Record<string, unknown> = { ...cfg.wecomApp };
  for (const k of WECOM_SECRETS) if (app[k]) app[k] = MASK;
  out.wecomApp = app;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects merge key by key; arrays, records of rules and values replace. */
function merge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(base[k], v);
  return out;
}

const REPLACED_WHOLE = new Set(['departmentByCategory', 'extra']);
/** Settings that moved: the old key is refused with where it went, and dropped from what is stored. */
const MOVED: Record<string, string> = {
  wechatSubscribeTemplates:
    '订阅消息模板已改在 subscribe.templates 中设置（每类消息的 templateId 和模板关键词 fields）',
};

/**
 * Change some settings: the patch (contract names accepted) is merged into what is stored, the
 * result validated as a whole, stored, the cache dropped, and the change audited with the
 * settings before and after (secret masked).
 */
export async function patchTownConfig(
  services: Pick<AppServices, 'clock'>,
  caller: Caller,
  patch: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const known = new Set(Object.keys(TownConfigSchema.shape));
  const renamed: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const key = ALIASES[k] ?? k;
    if (MOVED[k])
      throw new AppError('TOWN_CONFIG_INVALID', { message: MOVED[k], details: [{ path: k, message: MOVED[k] }] });
    if (!known.has(key)) unknownKeys.push(k);
    else renamed[key] = v;
  }
  if (unknownKeys.length)
    throw new AppError('TOWN_CONFIG_INVALID', {
      message: `没有这些设置项：${unknownKeys.join('、')}`,
      details: unknownKeys.map((path) => ({ path, message: '没有这个设置项' })),
    });
  const town = await TownModel.findById(caller.town).select('config').lean();
  if (!town) throw new AppError('TOWN_NOT_FOUND');
  const stored = (isPlainObject(town.config) ? town.config : {}) as Record<string, unknown>;
  const wecom = renamed.wecomApp;
  if (isPlainObject(wecom)) {
    // The console sends the mask back unchanged: keep what is stored.
    const kept = (isPlainObject(stored.wecomApp) ? stored.wecomApp : {}) as Record<string, unknown>;
    const app = { ...wecom };
    for (const k of WECOM_SECRETS) if (app[k] === MASK) app[k] = kept[k];
    renamed.wecomApp = app;
  }
  const next: Record<string, unknown> = { ...stored };
  for (const k of Object.keys(MOVED)) delete next[k];
  for (const [k, v] of Object.entries(renamed)) next[k] = REPLACED_WHOLE.has(k) ? v : merge(stored[k], v);
  const parsed = TownConfigSchema.safeParse(next);
  if (!parsed.success) {
    const details = zodDetails(parsed.error).map((d) => ({
      ...d,
      path: d.path.replace(/^deadlineDays/, 'hazardDeadlineDays'),
    }));
    throw new AppError('TOWN_CONFIG_INVALID', {
      message: `设置不正确：${details.map((d) => `${d.path} ${d.message}`).join('；')}`,
      details,
    });
  }
  const before = configView(parseTownConfig(stored));
  await TownModel.updateOne({ _id: caller.town }, { $set: { config: next } });
  invalidateTownConfig(caller.town);
  forgetTownCorps();
  const after = configView(parsed.data);
  // Both sides show a secret as the mask: a replaced one is told apart in the record (never its value).
  const storedApp = (isPlainObject(stored.wecomApp) ? stored.wecomApp : {}) as Record<string, unknown>;
  const nextApp = parsed.data.wecomApp as Record<string, unknown>;
  const rotated = WECOM_SECRETS.filter((k) => storedApp[k] && nextApp[k] && storedApp[k] !== nextApp[k]);
  const recorded: Record<string, unknown> = { ...after };
  if (rotated.length) {
    const app = { ...(after.wecomApp as Record<string, unknown>) };
    for (const k of rotated) app[k] = `${MASK}（已更换）`;
    recorded.wecomApp = app;
  }
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const k of Object.keys(recorded)) {
    if (JSON.stringify(before[k]) === JSON.stringify(recorded[k])) continue;
    changedBefore[k] = before[k];
    changedAfter[k] = recorded[k];
  }
  if (Object.keys(changedAfter).length)
    await audit(services, caller.town, caller, 'town.config', { before: changedBefore, after: changedAfter });
  return after;
}
