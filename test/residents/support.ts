import { ApiClient, subscriptionsApi } from '@yingji/shared';
import { TownModel } from '../../server/src/people/town.model';
import { UserModel } from '../../server/src/people/user.model';
import { VillageModel } from '../../server/src/people/village.model';
import type { FakeWechat } from '../fakes/wechat';
import type { TestServer } from '../support/server';

/** The templates the demo town uses in these tests, with the keywords the fake WeChat knows them by. */
export const TEMPLATES = {
  tip_status: {
    templateId: 'tmpl-tip-status',
    fields: { character_string1: 'code', phrase2: 'status', thing3: 'note', time4: 'time' },
  },
  reward_status: {
    templateId: 'tmpl-reward',
    fields: { character_string1: 'code', phrase2: 'status', amount3: 'amount', time4: 'time' },
  },
  warning: {
    templateId: 'tmpl-warning',
    fields: { thing1: 'title', phrase2: 'level', thing3: 'area', time4: 'time' },
  },
} as const;

/** Put the templates in the town's settings and teach the fake WeChat their keywords. */
export async function configureTemplates(wechat: FakeWechat, town = 'SZ'): Promise<void> {
  const t = await TownModel.findOne({ code: town }).lean();
  await TownModel.updateOne(
    { code: town },
    { $set: { config: { ...(t?.config ?? {}), subscribe: { miniprogramState: 'trial', templates: TEMPLATES } } } },
  );
  for (const tmpl of Object.values(TEMPLATES)) wechat.templates.set(tmpl.templateId, Object.keys(tmpl.fields));
}

let n = 0;
/** A resident logged in through the mini-program (wx.login code → the fake's jscode2session). */
export async function wechatResident(
  srv: TestServer,
  wechat: FakeWechat,
  opts: { village?: string } = {},
): Promise<{ client: ApiClient; openid: string; id: string }> {
  const openid = `openid-resident-${++n}-${Date.now()}`;
  const code = `code-${openid}`;
  wechat.codes.set(code, openid);
  const client = new ApiClient({ baseUrl: srv.base });
  const login = await client.loginWechat({ code });
  if (opts.village) {
    const v = await VillageModel.findOne({ code: opts.village }).lean();
    await UserModel.updateOne({ _id: login.user.id }, { $set: { village: v!._id } });
  }
  return { client, openid, id: login.user.id };
}

/**
 * The resident taps 允许 (accept) or 取消 (reject) in requestSubscribeMessage: WeChat counts it on
 * its side, the mini-program reports it to us.
 */
export async function answer(
  wechat: FakeWechat,
  r: { client: ApiClient; openid: string },
  templateId: string,
  result: 'accept' | 'reject',
): Promise<void> {
  if (result === 'accept') wechat.grant(r.openid, templateId);
  await subscriptionsApi(r.client).record({ results: { [templateId]: result } });
}
