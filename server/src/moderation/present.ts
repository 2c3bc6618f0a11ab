import type { Types } from 'mongoose';
import { isOffice } from '@yingji/shared';
import type { Caller } from '../core/context';
import {
  MediaCheckModel,
  SHOWN_MEDIA_STATES,
  TextCheckModel,
  textCheckId,
  type MediaCheckLean,
  type TextCheckLean,
} from './check.model';

/** What non-office viewers read in place of a text the check held back. */
export const HIDDEN_TEXT = '（该内容未通过安全审核，仅应急办可见）';

/** The office's mark on checked content: flagged or not, why, and what the check could not do. */
export interface ModerationMark {
  flagged: boolean;
  reason?: string;
  /** Photos held back from others (flagged, or waiting for WeChat's verdict). */
  hiddenMediaIds?: string[];
  /** The text was judged by the local word list (WeChat unreachable or not configured). */
  local?: boolean;
}

type Item = {
  _id: Types.ObjectId;
  /** The author: a tip's reporter, a chat hazard's reportedBy. */
  reporter?: Types.ObjectId | null;
  reportedBy?: Types.ObjectId | null;
  description: string;
  mediaIds?: Types.ObjectId[] | null;
};

/**
 * How checked items read for this viewer: the office sees everything with the mark and the reason;
 * others see a flagged text replaced and only the photos that passed. Answers a function per item
 * to spread over its shaped form (`description`, `mediaIds`, and the office's `moderation`).
 */
export async function moderatedView(
  viewer: Pick<Caller, 'role' | 'id'>,
  kind: 'tip' | 'hazard',
  items: Item[],
): Promise<(item: Item) => { description: string; mediaIds: string[]; moderation?: ModerationMark }> {
  const [texts, media] = await Promise.all([
    TextCheckModel.find({ _id: { $in: items.map((i) => textCheckId(kind, i._id)) } }).lean<TextCheckLean[]>(),
    MediaCheckModel.find({ _id: { $in: items.flatMap((i) => i.mediaIds ?? []) } }).lean<MediaCheckLean[]>(),
  ]);
  const textOf = new Map(texts.map((t) => [String(t.subject.id), t]));
  const mediaOf = new Map(media.map((m) => [String(m._id), m]));
  const office = isOffice(viewer.role);
  return (item) => {
    const text = textOf.get(String(item._id));
    const ids = (item.mediaIds ?? []).map(String);
    const author = item.reporter ?? item.reportedBy;
    const own = author ? String(author) === viewer.id : false;
    const hidden = ids.filter((id) => {
      const m = mediaOf.get(id);
      if (!m) return false;
      if (own) return m.state === 'risky' || m.state === 'review';
      return !SHOWN_MEDIA_STATES.includes(m.state);
    });
    const flaggedMedia = ids.filter((id) => ['risky', 'review'].includes(mediaOf.get(id)?.state ?? ''));
    const flagged = Boolean(text?.flagged) || flaggedMedia.length > 0;
    if (office) {
      const reasons = [
        text?.flagged ? text.reason : undefined,
        ...flaggedMedia.map((id) => mediaOf.get(id)?.reason),
      ].filter((r): r is string => !!r);
      const pending = ids.filter((id) => mediaOf.get(id)?.state === 'pending');
      return {
        description: item.description,
        mediaIds: ids,
        ...(text || flaggedMedia.length || pending.length
          ? {
              moderation: {
                flagged,
                ...(reasons.length ? { reason: [...new Set(reasons)].join('；') } : {}),
                ...(flaggedMedia.length || pending.length ? { hiddenMediaIds: [...flaggedMedia, ...pending] } : {}),
                ...(text?.by === 'local' ? { local: true } : {}),
              },
            }
          : {}),
      };
    }
    return {
      description: text?.flagged ? HIDDEN_TEXT : item.description,
      mediaIds: ids.filter((id) => !hidden.includes(id)),
    };
  };
}

/** Whether a text or any photo of it was flagged: flagged content is never passed on outside the office. */
export async function isFlagged(kind: 'tip' | 'hazard', id: Types.ObjectId, mediaIds: Types.ObjectId[] = []) {
  const [t, m] = await Promise.all([
    TextCheckModel.exists({ _id: textCheckId(kind, id), flagged: true }),
    mediaIds.length ? MediaCheckModel.exists({ _id: { $in: mediaIds }, state: { $in: ['risky', 'review'] } }) : null,
  ]);
  return Boolean(t || m);
}

/** What outside systems (webhooks, the event feed, Open311) read in place of a text not cleared by the check. */
export const WITHHELD_TEXT = '（内容待审核）';

type OutsideItem = {
  _id: Types.ObjectId;
  description?: string | null;
  mediaIds?: Types.ObjectId[] | null;
  /** A hazard's source: only chat reports and accepted tips carry a resident's or reporter's text. */
  source?: string | null;
  /** A hazard's tips: the first is the one it was accepted from (its text was copied). */
  tips?: Types.ObjectId[] | null;
};

/**
 * How items read for outside systems. A tip's text leaves only once the check passed it; a
 * hazard's, when it was entered by staff, or came from a chat or a tip whose check passed (its own
 * check, else the tip it was accepted from). Flagged, or not yet checked: the text is withheld.
 * A flagged photo withholds the text too; photos themselves never leave with the outside view.
 */
export async function outsideView(
  kind: 'tip' | 'hazard',
  items: OutsideItem[],
): Promise<(item: OutsideItem) => { description: string; withheld: boolean }> {
  const fromTip = (i: OutsideItem) => (kind === 'hazard' && i.source === 'tip' ? i.tips?.[0] : undefined);
  const ids = items.flatMap((i) => {
    const t = fromTip(i);
    return [textCheckId(kind, i._id), ...(t ? [textCheckId('tip', t)] : [])];
  });
  const [texts, flaggedMedia] = await Promise.all([
    TextCheckModel.find({ _id: { $in: ids } })
      .select('_id flagged')
      .lean<Pick<TextCheckLean, '_id' | 'flagged'>[]>(),
    MediaCheckModel.find({
      _id: { $in: items.flatMap((i) => i.mediaIds ?? []) },
      state: { $in: ['risky', 'review'] },
    })
      .select('_id')
      .lean(),
  ]);
  const text = new Map(texts.map((t) => [t._id, t.flagged]));
  const badMedia = new Set(flaggedMedia.map((m) => String(m._id)));
  return (item) => {
    const tip = fromTip(item);
    const needsCheck = kind === 'tip' || item.source === 'chat' || item.source === 'tip';
    const own = text.get(textCheckId(kind, item._id));
    const verdict = own ?? (tip ? text.get(textCheckId('tip', tip)) : undefined);
    const withheld =
      verdict === true ||
      (needsCheck && verdict === undefined) ||
      (item.mediaIds ?? []).some((m) => badMedia.has(String(m)));
    return { description: withheld ? WITHHELD_TEXT : (item.description ?? ''), withheld };
  };
}
