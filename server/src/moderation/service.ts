import type { Types } from 'mongoose';
import { HAZARD_STATUSES, TIP_STATUSES } from '@yingji/shared';
import { SEC_LABELS, WechatCallError, WechatSecurityClient, type SecVerdict } from '../auth/wechat-client';
import type { Config } from '../config';
import type { AppServices } from '../core/context';
import { HazardModel } from '../hazards/hazard.model';
import { signedCheckUrl } from '../media/service';
import { TownModel } from '../people/town.model';
import { UserModel } from '../people/user.model';
import { TipModel } from '../tips/tip.model';
import { loadTownConfig } from '../towns/config';
import { isDuplicateKey } from '../db/duplicate';
import { MediaCheckModel, TextCheckModel, textCheckId, type MediaCheckState, type TextCheckLean } from './check.model';
import { localCheck } from './words';

/** How far back the job looks for tips not yet checked (it runs every few seconds). */
const LOOKBACK_MS = 3 * 24 * 3600 * 1000;

const clients = new WeakMap<Config, WechatSecurityClient | null>();
function security(config: Config): WechatSecurityClient | undefined {
  if (!clients.has(config))
    clients.set(
      config,
      config.WECHAT_APPID && config.WECHAT_SECRET
        ? new WechatSecurityClient({
            appId: config.WECHAT_APPID,
            secret: config.WECHAT_SECRET,
            baseUrl: config.WECHAT_API_BASE,
            timeoutMs: 5_000,
          })
        : null,
    );
  return clients.get(config) ?? undefined;
}

const labelText = (label: number) => SEC_LABELS[label] ?? `其他（${label}）`;

/**
 * Check a text: WeChat's msgSecCheck v2 with the author's openid when it can be asked, the local
 * word list otherwise (not configured, no openid, unreachable, or WeChat refusing the call).
 */
export async function checkText(
  services: AppServices,
  input: { text: string; openid?: string; scene: number; extraWords: readonly string[] },
): Promise<{
  by: 'wechat' | 'local';
  suggest: 'pass' | 'review' | 'risky';
  reason?: string;
  label?: string;
  keyword?: string;
  traceId?: string;
  fallback?: string;
}> {
  const client = security(services.config);
  let fallback = !client ? 'not_configured' : !input.openid ? 'no_openid' : undefined;
  if (client && input.openid) {
    try {
      const v: SecVerdict = await client.msgSecCheck({ openid: input.openid, scene: input.scene, content: input.text });
      const label = labelText(v.label);
      return {
        by: 'wechat',
        suggest: v.suggest,
        label,
        keyword: v.keyword,
        traceId: v.traceId,
        reason:
          v.suggest === 'pass'
            ? undefined
            : `微信内容安全${v.suggest === 'risky' ? '判定违规' : '建议人工复核'}：${label}${v.keyword ? `（${v.keyword}）` : ''}`,
      };
    } catch (e) {
      fallback = e instanceof WechatCallError ? `wechat_${e.errcode}` : 'wechat_error';
      services.log.warn({ err: e }, 'msgSecCheck failed; using the local word list');
    }
  }
  const local = localCheck(input.text, input.extraWords);
  return {
    by: 'local',
    suggest: local.suggest,
    label: local.label,
    keyword: local.keyword,
    fallback,
    reason: local.suggest === 'pass' ? undefined : `本地词表命中：${local.label}（${local.keyword}）`,
  };
}

/**
 * Ask WeChat to check a photo (mediaCheckAsync v2; the verdict comes later as an event). Without
 * the mini-program's credentials or a public address WeChat could fetch it from, it stays `unchecked`.
 */
async function requestMediaCheck(
  services: AppServices,
  town: Types.ObjectId,
  mediaId: Types.ObjectId,
  openid: string | undefined,
  scene: number,
): Promise<MediaCheckState> {
  const now = services.clock.now();
  const client = security(services.config);
  const base = services.config.PUBLIC_BASE_URL;
  let state: MediaCheckState = 'unchecked';
  let traceId: string | undefined;
  // Without the push token the verdict could never arrive: the photo would stay hidden for good.
  const push = services.config.WECHAT_PUSH_TOKEN;
  let reason: string | undefined = !client
    ? '未配置小程序，图片未经微信检测'
    : !base || !push
      ? '未配置 PUBLIC_BASE_URL 或 WECHAT_PUSH_TOKEN，图片未经微信检测'
      : undefined;
  if (client && base && push && openid) {
    try {
      const url = signedCheckUrl(services.config, base, String(mediaId), now);
      ({ traceId } = await client.mediaCheckAsync({ openid, scene, mediaUrl: url }));
      state = 'pending';
      reason = undefined;
    } catch (e) {
      reason = `微信图片检测请求失败（${e instanceof WechatCallError ? e.errcode : 'error'}），图片未经检测`;
    }
  } else if (!reason) reason = '上传者没有微信 openid，图片未经微信检测';
  await MediaCheckModel.updateOne(
    { _id: mediaId },
    { $setOnInsert: { town, state, traceId, reason, requestedAt: now } },
    { upsert: true },
  );
  return state;
}

/** A resident's or a reporter's text with its photos: a tip, or a hazard reported in a chat. */
interface Checked {
  _id: Types.ObjectId;
  town: Types.ObjectId;
  author?: Types.ObjectId | null;
  description: string;
  mediaIds?: Types.ObjectId[] | null;
}

/** Check one text and its photos. Idempotent: the text check's `_id` is the item's. */
export async function checkItem(services: AppServices, kind: 'tip' | 'hazard', item: Checked): Promise<void> {
  const cfg = (await loadTownConfig(item.town)).moderation;
  const user = item.author ? await UserModel.findById(item.author).select('wechatOpenId').lean() : null;
  const openid = user?.wechatOpenId ?? undefined;
  const media = item.mediaIds ?? [];
  const done = await MediaCheckModel.find({ _id: { $in: media } })
    .select('_id')
    .lean();
  const have = new Set(done.map((d) => String(d._id)));
  for (const m of media) if (!have.has(String(m))) await requestMediaCheck(services, item.town, m, openid, cfg.scene);
  const v = await checkText(services, { text: item.description, openid, scene: cfg.scene, extraWords: cfg.extraWords });
  try {
    await TextCheckModel.create({
      _id: textCheckId(kind, item._id),
      town: item.town,
      subject: { kind, id: item._id },
      ...v,
      flagged: v.suggest !== 'pass',
      checkedAt: services.clock.now(),
    });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e; // another instance checked it meanwhile
  }
  // A tip accepted before its check ran: the hazard made from it copied its text, so it takes the verdict.
  if (kind === 'tip') {
    const tip = await TipModel.findById(item._id).select('status hazard').lean();
    if (tip?.status === 'accepted' && tip.hazard) await carryTipCheck(item._id, tip.hazard);
  }
}

/** Check a tip or hazard now unless it was checked already (e.g. a tip accepted within seconds). */
export async function ensureChecked(services: AppServices, kind: 'tip' | 'hazard', item: Checked): Promise<void> {
  if (await TextCheckModel.exists({ _id: textCheckId(kind, item._id) })) return;
  await checkItem(services, kind, item);
}

/**
 * A hazard accepted from a tip copies the tip's text, so it carries the tip's verdict as its own
 * check (`hazard:<id>`): flagged, it is shown to the office only and never passed on, like the tip.
 * Idempotent; nothing to carry while the tip is not checked yet (its check carries it then).
 */
export async function carryTipCheck(tipId: Types.ObjectId, hazardId: Types.ObjectId): Promise<void> {
  const t = await TextCheckModel.findById(textCheckId('tip', tipId)).lean<TextCheckLean>();
  if (!t) return;
  const hazard = await HazardModel.findById(hazardId).select('source tips').lean();
  // A duplicate linked to a hazard keeps the hazard's own text: only the tip it was accepted from counts.
  if (hazard?.source !== 'tip' || String(hazard.tips?.[0]) !== String(tipId)) return;
  try {
    await TextCheckModel.create({
      _id: textCheckId('hazard', hazardId),
      town: t.town,
      subject: { kind: 'hazard', id: hazardId },
      by: t.by,
      suggest: t.suggest,
      flagged: t.flagged,
      reason: t.reason,
      label: t.label,
      keyword: t.keyword,
      traceId: t.traceId,
      fallback: t.fallback,
      checkedAt: t.checkedAt,
    });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
  }
}

/** Check the items not yet checked among these. */
async function checkNew(services: AppServices, kind: 'tip' | 'hazard', items: Checked[]): Promise<number> {
  if (items.length === 0) return 0;
  const done = new Set(
    (
      await TextCheckModel.find({ _id: { $in: items.map((t) => textCheckId(kind, t._id)) } })
        .select('_id')
        .lean()
    ).map((d) => String(d._id)),
  );
  let checked = 0;
  for (const t of items) {
    if (done.has(textCheckId(kind, t._id))) continue;
    try {
      await checkItem(services, kind, t);
      checked++;
    } catch (err) {
      services.log.error({ err, kind, id: String(t._id) }, 'content check failed; retried on the next run');
    }
  }
  return checked;
}

/**
 * The job: every tip, and every hazard reported in a chat, stored in the last days without a check
 * is checked now. It runs after the item is stored, so a check that fails never loses a tip; the
 * next run tries again.
 */
export async function runContentChecks(services: AppServices): Promise<number> {
  const since = new Date(services.clock.now().getTime() - LOOKBACK_MS);
  let checked = 0;
  for (const town of await TownModel.find().select('_id').lean()) {
    const tips = await TipModel.find({ town: town._id, status: { $in: TIP_STATUSES }, submittedAt: { $gte: since } })
      .sort({ submittedAt: -1 })
      .limit(500)
      .select('town reporter description mediaIds')
      .lean();
    checked += await checkNew(
      services,
      'tip',
      tips.map((t) => ({ ...t, author: t.reporter })),
    );
    const hazards = await HazardModel.find({
      town: town._id,
      status: { $in: HAZARD_STATUSES },
      discoveredAt: { $gte: since },
      source: 'chat',
    })
      .sort({ discoveredAt: -1 })
      .limit(500)
      .select('town reportedBy description mediaIds')
      .lean();
    checked += await checkNew(
      services,
      'hazard',
      hazards.map((h) => ({ ...h, author: h.reportedBy })),
    );
  }
  return checked;
}

/** WeChat's wxa_media_check event: the verdict on a photo, found by its trace id. */
export async function onMediaCheckEvent(
  services: AppServices,
  event: { trace_id?: unknown; result?: { suggest?: unknown; label?: unknown } },
): Promise<boolean> {
  const traceId = typeof event.trace_id === 'string' ? event.trace_id : undefined;
  if (!traceId) return false;
  const suggest = event.result?.suggest;
  const state: MediaCheckState = suggest === 'risky' ? 'risky' : suggest === 'review' ? 'review' : 'pass';
  const label = labelText(Number(event.result?.label ?? 100));
  const r = await MediaCheckModel.updateOne(
    { traceId, state: 'pending' },
    {
      $set: {
        state,
        label,
        resultAt: services.clock.now(),
        ...(state === 'pass'
          ? {}
          : { reason: `微信图片检测${state === 'risky' ? '判定违规' : '建议人工复核'}：${label}` }),
      },
    },
  );
  return r.modifiedCount > 0;
}
