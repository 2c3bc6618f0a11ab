import type { Types } from 'mongoose';
import type { Config } from '../config';
import { TownModel } from '../people/models';
import { parseTownConfig } from './config';

/**
 * Which WeCom corp each town's members live in. A WeCom userid names one person only inside its
 * corp: a county that runs one corp for all its towns has one namespace, a county with one corp
 * per town has one per town. A town's corp is its own `wecomApp.corpId`, or else the deployment's
 * (WECOM_CORP_ID). Every lookup of a member by WeCom userid is scoped by corp through this file.
 */
export interface TownCorp {
  town: Types.ObjectId;
  code: string;
  corpId: string;
  /** The town's own app receives messages at /wecom/callback/<code> (token and key set). */
  callback?: { corpId: string; token: string; encodingAESKey: string };
}

/** What the deployment's own corp is called here when WECOM_CORP_ID is unset. */
const DEPLOYMENT = '';

let cached: { stamp: string; corps: TownCorp[]; checkedAt: number } | undefined;
/** Card clicks come by the hundred a second: whether towns changed is asked at most this often. */
const CHECK_MS = 1000;

/** A town's settings changed in this process: the next lookup reads them again. */
export function forgetTownCorps(): void {
  cached = undefined;
}

/**
 * Every town's corp. Towns are few (a county's 30); the list is rebuilt when any town changed
 * (its newest `updatedAt` and the count), so a setting saved by another process is seen within a
 * second, and one saved here at once.
 */
export async function townCorps(config: Pick<Config, 'WECOM_CORP_ID'>): Promise<TownCorp[]> {
  const deploymentCorp = config.WECOM_CORP_ID ?? DEPLOYMENT;
  if (cached && Date.now() - cached.checkedAt < CHECK_MS && cached.stamp.endsWith(`|${deploymentCorp}`))
    return cached.corps;
  const [newest, count] = await Promise.all([
    TownModel.findOne().sort({ updatedAt: -1 }).select('updatedAt').lean(),
    TownModel.estimatedDocumentCount(),
  ]);
  const deployment = config.WECOM_CORP_ID ?? DEPLOYMENT;
  const stamp = `${String(newest?.updatedAt?.valueOf() ?? 0)}|${count}|${deployment}`;
  if (cached?.stamp === stamp) {
    cached.checkedAt = Date.now();
    return cached.corps;
  }
  const towns = await TownModel.find().select('code config.wecomApp').lean();
  const corps = towns.map((t): TownCorp => {
    const app = parseTownConfig({ wecomApp: (t.config as { wecomApp?: unknown } | undefined)?.wecomApp }).wecomApp;
    const corpId = app.corpId || deployment;
    const callback =
      app.corpId && app.token && app.encodingAESKey
        ? { corpId: app.corpId, token: app.token, encodingAESKey: app.encodingAESKey }
        : undefined;
    return { town: t._id, code: t.code, corpId, callback };
  });
  cached = { stamp, corps, checkedAt: Date.now() };
  return corps;
}

/** The towns whose members live in this corp (the deployment's when `corpId` is undefined). */
export async function townsOfCorp(
  config: Pick<Config, 'WECOM_CORP_ID'>,
  corpId: string | undefined,
): Promise<Types.ObjectId[]> {
  const want = corpId ?? config.WECOM_CORP_ID ?? DEPLOYMENT;
  return (await townCorps(config)).filter((c) => c.corpId === want).map((c) => c.town);
}

/** The corp a town's members live in. */
export async function corpOfTown(
  config: Pick<Config, 'WECOM_CORP_ID'>,
  town: Types.ObjectId | string,
): Promise<string | undefined> {
  return (await townCorps(config)).find((c) => String(c.town) === String(town))?.corpId;
}

/** The town whose own app receives at /wecom/callback/<code> (code matched case-insensitively). */
export async function townCallback(config: Pick<Config, 'WECOM_CORP_ID'>, code: string): Promise<TownCorp | undefined> {
  const want = code.toUpperCase();
  const find = async () => (await townCorps(config)).find((c) => c.code.toUpperCase() === want);
  // A town added a moment ago by another process: look once more, afresh.
  return (await find()) ?? (forgetTownCorps(), await find());
}
