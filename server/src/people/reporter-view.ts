import type { Types } from 'mongoose';
import { isOffice, maskPhone, type Reporter } from '@yingji/shared';
import type { Caller } from '../core/context';

export const ANONYMOUS_REPORTER = '匿名举报人';

/**
 * How a tip's reporter is shown. A confidential reporter is 匿名举报人 to everyone here, the
 * office included: the identity is revealed only through the audited reporter endpoint. Others'
 * phones are shown in full to the office and masked for the rest.
 */
export function reporterView(
  tip: { confidential?: boolean | null },
  user: { _id: Types.ObjectId; name: string; phone?: string | null } | undefined,
  viewer: Pick<Caller, 'role' | 'id'>,
): Reporter {
  if (tip.confidential || !user) return { name: ANONYMOUS_REPORTER, anonymous: true };
  return {
    id: String(user._id),
    name: user.name,
    phone: isOffice(viewer.role) || viewer.id === String(user._id) ? (user.phone ?? undefined) : maskPhone(user.phone),
    anonymous: false,
  };
}
