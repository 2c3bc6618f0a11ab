import { Types } from 'mongoose';
import { AppError, type SubscribeConsentBody, type SubscribeReach, type SubscribeTemplates } from '@yingji/shared';
import type { AppServices, Caller } from '../core/context';
import { UserModel } from '../people/user.model';
import { VillageModel } from '../people/village.model';
import { loadTownConfig } from '../towns/config';
import { ConsentModel, consentId, type ConsentLean } from './consent.model';
import { SUBSCRIBE_KINDS, type SubscribeKind, type SubscribeSettings } from './settings';

/** The configured templates of a town, kind → template id. */
export function templatesOf(settings: SubscribeSettings): { kind: SubscribeKind; templateId: string }[] {
  return SUBSCRIBE_KINDS.flatMap((kind) => {
    const t = settings.templates[kind];
    return t ? [{ kind, templateId: t.templateId }] : [];
  });
}

/** The templates the mini-program may ask for, with what the caller has left of each. */
export async function myTemplates(caller: Caller): Promise<SubscribeTemplates> {
  const cfg = await loadTownConfig(caller.town);
  const tmpls = templatesOf(cfg.subscribe);
  const consents = await ConsentModel.find({ _id: { $in: tmpls.map((t) => consentId(caller._id, t.templateId)) } })
    .select('templateId remaining')
    .lean<Pick<ConsentLean, 'templateId' | 'remaining'>[]>();
  const left = new Map(consents.map((c) => [c.templateId, c.remaining]));
  return { items: tmpls.map((t) => ({ ...t, remaining: left.get(t.templateId) ?? 0 })) };
}

/**
 * Record what the resident answered in requestSubscribeMessage. Each `accept` is one more message
 * allowed ($inc, so two taps never lose one); `reject` and `filter` change nothing already granted;
 * `ban` (the resident switched the template off) leaves none.
 */
export async function recordConsents(
  services: AppServices,
  caller: Caller,
  body: SubscribeConsentBody,
): Promise<SubscribeTemplates> {
  const user = await UserModel.findById(caller._id).select('wechatOpenId village').lean();
  if (!user?.wechatOpenId) throw new AppError('SUBSCRIBE_RESIDENTS_ONLY');
  const cfg = await loadTownConfig(caller.town);
  const byTemplate = new Map(templatesOf(cfg.subscribe).map((t) => [t.templateId, t.kind]));
  for (const templateId of Object.keys(body.results))
    if (!byTemplate.has(templateId)) throw new AppError('SUBSCRIBE_TEMPLATE_UNKNOWN');
  const now = services.clock.now();
  for (const [templateId, result] of Object.entries(body.results)) {
    const accepted = result === 'accept' || result === 'acceptWithAudio';
    await ConsentModel.updateOne(
      { _id: consentId(caller._id, templateId) },
      {
        $set: {
          town: caller.town,
          user: caller._id,
          village: user.village ?? null,
          templateId,
          kind: byTemplate.get(templateId),
          lastResult: result,
          lastAt: now,
          ...(result === 'ban' ? { remaining: 0 } : {}),
        },
        ...(accepted ? { $inc: { remaining: 1, accepted: 1 } } : {}),
        ...(!accepted && result !== 'ban' ? { $setOnInsert: { remaining: 0, accepted: 0 } } : {}),
        ...(result === 'ban' ? { $setOnInsert: { accepted: 0 } } : {}),
      },
      { upsert: true },
    );
  }
  return myTemplates(caller);
}

/** Whether the user has a message left for this template (checked before enqueuing). */
export async function hasConsent(user: Types.ObjectId | string, templateId: string): Promise<boolean> {
  return Boolean(await ConsentModel.exists({ _id: consentId(user, templateId), remaining: { $gt: 0 } }));
}

/** Spend one message, atomically; false when none is left (the send must not be made). */
export async function spendConsent(user: Types.ObjectId | string, templateId: string): Promise<boolean> {
  const r = await ConsentModel.findOneAndUpdate(
    { _id: consentId(user, templateId), remaining: { $gt: 0 } },
    { $inc: { remaining: -1 } },
    { projection: { _id: 1 } },
  ).lean();
  return Boolean(r);
}

/** Give back a message WeChat did not send (bad data, quota, a refused connection). */
export async function refundConsent(user: Types.ObjectId | string, templateId: string): Promise<void> {
  await ConsentModel.updateOne({ _id: consentId(user, templateId) }, { $inc: { remaining: 1 } });
}

/** WeChat says there is none left (43101) or the openid is not good (40003): none to count on. */
export async function clearConsent(user: Types.ObjectId | string, templateId: string, why: string): Promise<void> {
  await ConsentModel.updateOne({ _id: consentId(user, templateId) }, { $set: { remaining: 0, lastResult: why } });
}

/**
 * How many residents the office can still reach per village and kind (each with at least one
 * message left), and how many messages that is in all.
 */
export async function reachByVillage(caller: Caller): Promise<SubscribeReach> {
  const rows = await ConsentModel.aggregate<{
    _id: { village: Types.ObjectId | null; kind: SubscribeKind };
    residents: number;
    messages: number;
  }>([
    { $match: { town: caller.town, remaining: { $gt: 0 } } },
    {
      $group: {
        _id: { village: '$village', kind: '$kind' },
        residents: { $sum: 1 },
        messages: { $sum: '$remaining' },
      },
    },
  ]);
  const ids = rows.map((r) => r._id.village).filter((v): v is Types.ObjectId => !!v);
  const names = new Map(
    (
      await VillageModel.find({ _id: { $in: ids } })
        .select('name')
        .lean()
    ).map((v) => [String(v._id), v.name]),
  );
  return {
    items: rows
      .map((r) => ({
        village: r._id.village ? { id: String(r._id.village), name: names.get(String(r._id.village)) ?? '' } : null,
        kind: r._id.kind,
        residents: r.residents,
        messages: r.messages,
      }))
      .sort(
        (a, b) =>
          (a.village?.name ?? '\uffff').localeCompare(b.village?.name ?? '\uffff', 'zh') ||
          a.kind.localeCompare(b.kind),
      ),
  };
}
