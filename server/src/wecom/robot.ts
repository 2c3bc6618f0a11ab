import axios, { type AxiosInstance } from 'axios';
import { WeComError } from './client';

/**
 * The WeCom group robot (群机器人 / 消息推送): POST /cgi-bin/webhook/send?key=KEY. The key is a
 * secret (anyone holding it can post), so it is never logged. At most 20 messages a minute per
 * robot: this sender refuses the 21st within any 60 seconds with a `rate_limited` WeComError
 * instead of letting WeCom drop it. (The outbox also counts robot sends across instances.)
 */
export type RobotMessage =
  | { msgtype: 'text'; text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] } }
  | { msgtype: 'markdown'; markdown: { content: string } };

export const ROBOT_PER_MINUTE = 20;

export class WeComRobotSender {
  private readonly http: AxiosInstance;
  private readonly sent = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(opts: { baseUrl?: string; timeoutMs?: number; now?: () => number } = {}) {
    this.http = axios.create({
      baseURL: (opts.baseUrl ?? 'https://qyapi.weixin.qq.com').replace(/\/$/, ''),
      timeout: opts.timeoutMs ?? 10_000,
      validateStatus: () => true,
      proxy: false,
      // WeCom's API does not redirect: the plain HTTP client, without follow-redirects' wrapper on every call.
      maxRedirects: 0,
    });
    this.now = opts.now ?? Date.now;
  }

  /** Milliseconds until this robot may send again (0: now). */
  waitFor(key: string): number {
    const t = this.now();
    const recent = (this.sent.get(key) ?? []).filter((at) => at > t - 60_000);
    this.sent.set(key, recent);
    return recent.length < ROBOT_PER_MINUTE ? 0 : recent[0]! + 60_000 - t;
  }

  async send(key: string, message: RobotMessage): Promise<void> {
    const wait = this.waitFor(key);
    if (wait > 0) throw new WeComError('rate_limited', 'robot: 20 messages a minute', 'not_sent', wait);
    this.sent.get(key)!.push(this.now());
    let res;
    try {
      res = await this.http.post('/cgi-bin/webhook/send', message, { params: { key } });
    } catch (e) {
      const err = e as { code?: string };
      const timeout = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
      throw new WeComError(
        timeout ? 'timeout' : 'network',
        `robot: ${err.code ?? 'network error'}`,
        err.code === 'ECONNREFUSED' ? 'not_sent' : 'unknown',
      );
    }
    if (res.status !== 200) throw new WeComError('http', `robot: HTTP ${res.status}`, 'not_sent');
    const body = res.data as { errcode?: number; errmsg?: string };
    const code = body?.errcode ?? 0;
    if (code !== 0)
      throw new WeComError(code, `robot: ${body.errmsg ?? 'error'}`, 'not_sent', code === 45009 ? 60_000 : undefined);
  }
}

/** Robot text with @mentions (user ids and/or mobile numbers; '@all' allowed in either). */
export function robotText(content: string, mentions: { userIds?: string[]; mobiles?: string[] } = {}): RobotMessage {
  return {
    msgtype: 'text',
    text: {
      content,
      ...(mentions.userIds?.length ? { mentioned_list: mentions.userIds } : {}),
      ...(mentions.mobiles?.length ? { mentioned_mobile_list: mentions.mobiles } : {}),
    },
  };
}
