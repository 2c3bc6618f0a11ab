import type { Types } from 'mongoose';
import type { Config } from '../config';
import { townsOfCorp, corpOfTown } from '../towns/wecom-corps';
import { UserModel } from './user.model';

type CorpConfig = Pick<Config, 'WECOM_CORP_ID'>;

/** Without the server's config (the admin CLI, the roster import) the environment names the corp. */
export const envCorp = (): CorpConfig => ({ WECOM_CORP_ID: process.env.WECOM_CORP_ID || undefined });

/**
 * A WeCom userid names one person inside its corp: taken when someone else in any town of the
 * same corp holds it. (The unique index is per town; the lookups refuse an ambiguous id, so a race
 * between two towns' offices at the same moment is answered by nobody rather than by the wrong one.)
 */
export async function wecomUserIdTaken(
  config: CorpConfig,
  town: Types.ObjectId,
  wecomUserId: string,
  exceptUser?: Types.ObjectId,
): Promise<boolean> {
  const towns = await townsOfCorp(config, await corpOfTown(config, town));
  const filter = { wecomUserId, town: { $in: towns.length ? towns : [town] } };
  return Boolean(await UserModel.exists(exceptUser ? { ...filter, _id: { $ne: exceptUser } } : filter));
}
