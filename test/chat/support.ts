import { buildMessageXml, sealCallback, type WecomCallbackConfig } from '../../bot/src/channels/wecom-app';
import { http } from '../support/server';

/** The WeCom app settings a test server runs with (the key is 43 letters and digits, as WeCom makes them). */
export const WECOM: WecomCallbackConfig = {
  corpId: 'ww-shizhi-test',
  token: 'callback-token-for-tests',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
export const BOT_TOKEN = 'bot-token-for-tests-0123456789';

export const chatEnv = {
  BOT_TOKEN,
  WECOM_CORP_ID: WECOM.corpId,
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM.encodingAESKey,
};

let msgSeq = 7_300_000_000_000_000_000n;

/** A text message from a member to the app, as WeCom's plaintext XML. */
export function wecomText(from: string, content: string, fields: Record<string, string | number> = {}) {
  msgSeq += 1n;
  return buildMessageXml({
    ToUserName: WECOM.corpId,
    FromUserName: from,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: String(msgSeq),
    AgentID: 1000002,
    ...fields,
  });
}

/** Post a plaintext message to the running server's callback, sealed as WeCom would (or not quite). */
export async function postCallback(
  base: string,
  plainXml: string,
  opts: {
    receiverId?: string;
    tamper?: 'signature' | 'body';
    sealed?: ReturnType<typeof sealCallback>;
    /** A town's own app: `/wecom/callback/<code>`. */
    path?: string;
  } = {},
) {
  const sealed = opts.sealed ?? sealCallback({ ...WECOM, receiverId: opts.receiverId }, plainXml);
  const query = { ...sealed.query };
  let body = sealed.body;
  if (opts.tamper === 'signature')
    query.msg_signature = query.msg_signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
  if (opts.tamper === 'body')
    body = body.replace(/<Encrypt><!\[CDATA\[(.)/, (_m, c) => `<Encrypt><![CDATA[${c === 'A' ? 'B' : 'A'}`);
  const qs = new URLSearchParams(query).toString();
  return http(base, 'POST', `${opts.path ?? '/wecom/callback'}?${qs}`, {
    body,
    headers: { 'content-type': 'text/xml' },
  });
}

/** Wait until `probe` returns a value that is not undefined/false (the callback works after answering). */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
