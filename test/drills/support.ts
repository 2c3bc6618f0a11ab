import { ApiError } from '@yingji/shared';
import { UserModel } from '../../server/src/people/user.model';

/** The error of a call that must fail (and fails the test if it does not). */
export async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

export async function userId(username: string): Promise<string> {
  const u = await UserModel.findOne({ username }).lean();
  if (!u) throw new Error(`no user ${username}`);
  return String(u._id);
}
