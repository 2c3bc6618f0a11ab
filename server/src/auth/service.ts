import { AppError, type LoginResponse, type Role } from '@yingji/shared';
import { signToken } from '../core/auth';
import type { AppServices } from '../core/context';
import { UserModel, type UserDoc } from '../people/user.model';
import { resolveTown } from '../people/service';
import { assertNotLocked, recordFailure, recordSuccess } from './lockout';
import { dummyHash, verifyPassword } from './passwords';
import { WechatClient } from './wechat-client';
import { WechatSessionModel } from './wechat-session.model';

export function sessionOf(services: Pick<AppServices, 'config'>, user: UserDoc): LoginResponse {
  const id = String(user._id);
  return {
    token: signToken(services, { id, town: String(user.town), role: user.role as Role }),
    user: { id, role: user.role as Role, name: user.name, town: String(user.town) },
  };
}

export async function loginWithPassword(
  services: Pick<AppServices, 'config' | 'clock'>,
  input: { username: string; password: string },
  ip: string,
): Promise<LoginResponse> {
  const username = input.username.trim();
  // Slowed down per (account, address) and per address, in the database (see lockout.ts).
  await assertNotLocked(username, ip, services.clock.now());
  const user = await UserModel.findOne({ username });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), input.password);
  if (!user || !user.passwordHash || !ok) {
    await recordFailure(username, ip, user?.town ?? undefined, services.clock.now());
    throw new AppError('LOGIN_FAILED');
  }
  if (!user.active) throw new AppError('ACCOUNT_DISABLED');
  await recordSuccess(username, ip);
  user.lastLoginAt = services.clock.now();
  await user.save();
  return sessionOf(services, user);
}

/**
 * Mini-program login: exchange the wx.login code at WeChat, create the resident on first login.
 * The session key stays in the server's own collection.
 */
export async function loginWithWechat(
  services: Pick<AppServices, 'config' | 'clock'>,
  input: { code: string; town?: string },
): Promise<LoginResponse> {
  const { WECHAT_APPID, WECHAT_SECRET, WECHAT_API_BASE } = services.config;
  if (!WECHAT_APPID || !WECHAT_SECRET) throw new AppError('WECHAT_NOT_CONFIGURED');
  const session = await new WechatClient(WECHAT_API_BASE, WECHAT_APPID, WECHAT_SECRET).code2Session(input.code);
  const town = await resolveTown(services.config, input.town);
  let user = await UserModel.findOne({ wechatOpenId: session.openid, town: town._id });
  if (!user) {
    user = await UserModel.findOneAndUpdate(
      { username: `wx_${session.openid}` },
      {
        $setOnInsert: {
          town: town._id,
          username: `wx_${session.openid}`,
          role: 'resident',
          name: '微信用户',
          wechatOpenId: session.openid,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
  }
  // The username wx_<openid> is global: one registered in another town must not log in here.
  if (String(user!.town) !== String(town._id)) throw new AppError('WECHAT_TOWN_MISMATCH');
  if (!user!.active) throw new AppError('ACCOUNT_DISABLED');
  await WechatSessionModel.updateOne(
    { user: user!._id },
    { $set: { sessionKey: session.sessionKey, unionid: session.unionid } },
    { upsert: true },
  );
  await UserModel.updateOne({ _id: user!._id }, { $set: { lastLoginAt: services.clock.now() } });
  return sessionOf(services, user!);
}
