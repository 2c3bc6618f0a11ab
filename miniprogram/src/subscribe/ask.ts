import Taro from '@tarojs/taro';
import { subscriptionsApi, type SubscribeKind, type SubscribeTemplates } from '@yingji/shared';
import { api } from '../services/api';

export type AskOutcome = 'accepted' | 'rejected' | 'unavailable';
type Answer = 'accept' | 'reject' | 'ban' | 'filter' | 'acceptWithAudio';

/** The town's templates for these kinds (at most 3: WeChat's limit per request). */
export async function templatesFor(kinds: readonly SubscribeKind[]): Promise<SubscribeTemplates['items']> {
  const { items } = await subscriptionsApi(api()).templates();
  return items.filter((t) => kinds.includes(t.kind)).slice(0, 3);
}

/**
 * Ask once, from a tap: WeChat's requestSubscribeMessage in the mini-program (each 允许 allows one
 * message); in the H5 build, which has no such popup, a stand-in dialog with the same choice. The
 * answer is recorded per template on the server. Never called in a loop or without a tap.
 */
export async function askToSubscribe(templateIds: string[], what: string): Promise<AskOutcome> {
  if (templateIds.length === 0) return 'unavailable';
  let results: Record<string, Answer>;
  if (process.env.TARO_ENV === 'weapp') {
    try {
      const res = (await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] })) as unknown as Record<
        string,
        string
      >;
      results = Object.fromEntries(templateIds.map((id) => [id, (res[id] ?? 'reject') as Answer]));
    } catch {
      return 'unavailable'; // the main switch is off, or the templates are not in this mini-program
    }
  } else {
    const { confirm } = await Taro.showModal({
      title: '订阅消息',
      content: `“十直镇应急”想在${what}时给您发一条微信通知。是否允许？`,
      confirmText: '允许',
      cancelText: '取消',
    });
    results = Object.fromEntries(templateIds.map((id) => [id, confirm ? 'accept' : 'reject'])) as Record<
      string,
      Answer
    >;
  }
  try {
    await subscriptionsApi(api()).record({ results });
  } catch {
    // Not recorded (logged in without WeChat, or the network failed): never tell the resident
    // 已订阅 when no message can reach them.
    return 'unavailable';
  }
  return Object.values(results).some((r) => r === 'accept' || r === 'acceptWithAudio') ? 'accepted' : 'rejected';
}
