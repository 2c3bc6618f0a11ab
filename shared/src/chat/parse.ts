/**
 * The one chat-command parser (DESIGN.md "One parser, one conversation engine"). Pure: a chat line in,
 * an intent with its arguments out. Every channel (Wechaty room, WeCom app, terminal) feeds it.
 *
 * People write as they do in WeChat groups: full-width or half-width forms, extra spaces, emoji and
 * WeChat's [表情] codes, a leading @mention (WeChat separates it with U+2005), a quoted message above
 * the answer. A negation or a question is never an acknowledgement, a check-in or a stage.
 *
 * NFKC is for reading only: the text a report stores (a hazard's description and place) is cut
 * from the line as written, so its Chinese punctuation stays as the sender typed it.
 */

export type ChatCommand =
  | { intent: 'ack' }
  | { intent: 'checkin' }
  | { intent: 'report_hazard'; description: string; location?: string }
  | { intent: 'query'; code: string }
  | { intent: 'transfer'; count: number }
  /** A later stage of a call-out (C6): 已到岗 → at post, 转移完成 (12 人) → transfer done. */
  | { intent: 'stage'; stage: 'at_post' | 'transfer_done'; count?: number }
  | { intent: 'help' }
  | { intent: 'nearest_shelter' }
  /** `绑定 123456`: link this chat account to a user with a one-time code (see server/src/chat). */
  | { intent: 'bind'; code: string }
  /** `绑定群 123456`: bind the room this is written in to the grid the console's code is for. */
  | { intent: 'bind_group'; code: string }
  | { intent: 'none' };

export type ChatIntent = ChatCommand['intent'];

const NONE: ChatCommand = { intent: 'none' };

// Emoji and their joiners/modifiers; WeChat's own emoticons arrive as short bracket codes like [强].
const EMOJI = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}]|\uFE0E|\uFE0F|\u200D|\u20E3/gu;
const WECHAT_EMOTICON = /\[(?!隐患\])[\p{Script=Han}A-Za-z]{1,4}\]/gu;
const QUESTION_EMOJI = /[\u2753\u2754\u2049]|\u{1F914}|\[(?:疑问|问号|疑惑)\]/gu;
// WeChat's quote-reply puts the quoted message above a dashed line; the answer is below it.
const QUOTE_SEPARATOR = /\n\s*(?:-\s*){5,}\n/;
const LEADING_MENTIONS = /^(?:@[^\s@]+(?:\s+|$))+/u;
const TRAILING_MENTIONS = /(?:\s+@[^\s@]+)+$/u;
const EDGE_PUNCTUATION =
  /^[\s,.;:!~、，。；：！～…·'"“”‘’()（）【】「」《》<>．-]+|[\s,.;:!~、，。；：！～…·'"“”‘’()（）【】「」《》<>．-]+$/gu;

/** Normalise a chat line: NFKC folds full-width forms (＃１２？) and U+2005 into ASCII; drop emoji and mentions. */
export function normalizeChatText(raw: string): string {
  return cleanChatText(raw.normalize('NFKC'));
}

/** The same clean-up without folding: quote, emoji, mentions and extra spaces go; punctuation stays. */
function cleanChatText(raw: string): string {
  let text = raw.replace(/[\u2000-\u200A\u202F\u205F\u3000]/g, ' ');
  const quoted = text.split(QUOTE_SEPARATOR);
  text = quoted[quoted.length - 1]!;
  // Question emoji and WeChat's [疑问] are question marks: "收到❓" asks, it does not confirm.
  text = text.replace(QUESTION_EMOJI, '?');
  text = text.replace(EMOJI, ' ').replace(WECHAT_EMOTICON, ' ');
  text = text.replace(/[\t\r\n\u3000]+/g, ' ').trim();
  text = text.replace(LEADING_MENTIONS, '').replace(TRAILING_MENTIONS, '');
  return text.replace(/ {2,}/g, ' ').trim();
}

/** Drop punctuation and spaces at both ends: `收到！！` → `收到`. */
function core(text: string): string {
  return text.replace(EDGE_PUNCTUATION, '').replace(/\s+/g, '');
}

// A question: a question mark, a question particle at the end, or a question word anywhere.
const QUESTION_END = /(吗|嘛|么|呢|没|没有|否|不|未)$/;
const QUESTION_WORD = /(谁|是否|有没有|有无|几个|多少|哪|什么|怎么|咋|能否|可否)/;
// A negation anywhere ("没问题" is agreement, not a negation).
const NEGATION = /(没|不|未|别|莫|无法|失败)/;

function isQuestionOrNegation(text: string): boolean {
  if (/\?/.test(text)) return true;
  const c = core(text).replace(/没问题|没得问题|不客气/g, '');
  return QUESTION_END.test(c) || QUESTION_WORD.test(c) || NEGATION.test(c);
}

// 收到 (or 已阅, 知悉 …) with an optional courtesy before it and a short remark after it (收到，马上落实).
const ACK_WORD = '(?:(?:已经?|已)?收到|已阅|已读|阅知|已知悉|知悉|收悉|已收悉|已知晓|知晓|已了解|了解|明白|知道)';
const ACK = new RegExp(
  `^(?:好的?|好嘞|嗯+|哦|ok|okay|明白|是的?|我|我们|本人)?[,，。.!！\\s]*${ACK_WORD}(?:了|啦|咯|嘞|哈|啊)?` +
    `(?:[,，。.!！\\s].*|明白|谢谢|好的|收到|已阅|知悉|了解)*$`,
  'iu',
);
const ACK_WORDS = new Set(['1', '11', '111', '收', '好的收到', 'ok收到', '收到ok']);

const CHECKIN = /^(?:我|本人)?(?:已经?|已)?签到(?:了|啦|咯)?(?:[,，。.!！\s].*)?$/u;

// Stages of a call-out: 已到岗 / 到岗了; 转移完成 / 已完成转移, with the people moved if given.
const AT_POST = /^(?:我|本人|我们)?(?:已经?|已)?(?:到岗|到达岗位)(?:了|啦|咯|嘞)?(?:[,，。.!！\s].*)?$/u;
const TRANSFER_DONE =
  /^(.{0,12}?)(?:已经?|已)?(?:全部|安全)?(?:转移(?:工作)?(?:已经?|已)?(?:全部)?完成|完成(?:了)?(?:全部)?转移)(?:了|啦)?(?:[,，、。.!！\s]*(?:共|共计|累计|合计)?(?:转移)?\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*(?:人|名|位|口))?(?:[,，。.!！\s].*)?$/u;
// A stage reported for someone else, or asked for, is not one: 请各网格转移完成后报告.
const NOT_A_REPORT = /(请|需|需要|待|应|要|准备|计划|拟|将|预计|建议|正在|打算|可能|尽快|务必|确保|督促)/u;

// 隐患 needs a separator (隐患：…, 隐患 …) unless marked (#隐患…, 上报隐患…, 【隐患】…), so 隐患排查 is not a report.
// Both forms of # and : are accepted: the description is cut from the unfolded line.
const HAZARD =
  /^(?:[#＃]\s*隐患[#＃]?|【隐患】|[[［]隐患[\]］]|(?:我要)?(?:上报|报告|发现|举报)隐患(?:上报)?|隐患上报|隐患(?=[\s:：,，]|$))\s*[:：,，]?\s*([\s\S]*)$/u;
const BARE_HAZARD = /^(?:[#＃]?隐患[#＃]?|【隐患】|(?:我要)?(?:上报|报告|举报)隐患|隐患上报)$/u;
const LOCATION = /[\s,，;；。.．]*(?:位置|地点|地址|具体位置)\s*[:：]?\s*(.+)$/u;

// 查 / 查询 / 查一下 (隐患) (编号) CODE (的进度): a code has letters, digits and dashes, with at least one digit.
const QUERY =
  /^(?:查询?|查一下|查看|查下)\s*(?:隐患)?\s*(?:编号|单号)?\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9-]{1,31})\s*(?:的?(?:进度|情况|状态|整改情况|处理情况|整改进度))?$/u;
// A hazard code on its own, as the bot gave it (SZ-2024-0012, in any case), is a query too.
const BARE_CODE = /^[A-Za-z]{1,8}-\d{4}-\d{3,6}$/u;

// People, not households: 转移 5 户 17 人 is 17 people.
const TRANSFER =
  /^(?:.{0,12}?)(?:已经?|已安全|已全部|共|累计|共计)?(?:安全)?转移(?:了)?(?:群众|人员|村民|居民|受威胁群众|受灾群众)?(?:共|共计)?\s*(?:(?:[0-9]+|[零〇一二两三四五六七八九十百千]+)\s*户\s*[,，、]?\s*(?:共|共计|合计)?\s*)?([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*(?:人|名|位|个人|口)/u;
// Plans and intentions are not people moved: 预计转移12人, 建议转移, 正在转移, 还要转移12人.
const TRANSFER_NOT_DONE = /(需|需要|待|应|要|请|准备|计划|拟|将|预计|建议|正在|打算|还要|可能|尚需|仍需)转移/u;

const HELP = new Set(['帮助', 'help', '/help', '菜单', '使用说明', '怎么用', '帮助菜单']);
const SHELTER_WORD = '(?:应急)?(?:避难场所|避难所|避难点|安置点|避险点)';
const SHELTER = new RegExp(
  `^(?:请问)?(?:(?:离我|我这里|我这儿)?(?:最近|附近)的?)?${SHELTER_WORD}` +
    '(?:在哪里?|在哪儿|在哪|在什么地方|是哪里?|是哪个|有哪些|怎么走)?$|' +
    `^(?:请问)?(?:最近|附近|这附近|这里)?(?:哪里|哪儿|哪)有${SHELTER_WORD}$|` +
    `^(?:请问)?(?:最近|附近|这附近|这里)?有没有${SHELTER_WORD}$|` +
    `^(?:请问)?(?:最近|附近|这附近|这里)?有${SHELTER_WORD}(?:吗|么|没有)$`,
  'u',
);
const BIND = /^绑定\s*[:：]?\s*(\d{6})$/u;
const BIND_GROUP = /^绑定群\s*[:：]?\s*(\d{6})$/u;

/** 十二 → 12, 两百零五 → 205; undefined when it is not a plain Chinese numeral. */
export function chineseNumber(s: string): number | undefined {
  const digits: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let current: number | undefined;
  for (const ch of s) {
    if (ch === '零' || ch === '〇') continue;
    if (ch in digits) {
      if (current !== undefined) return undefined; // 一二 is not a number
      current = digits[ch]!;
    } else if (ch in units) {
      total += (current ?? 1) * units[ch]!;
      current = undefined;
    } else return undefined;
  }
  return total + (current ?? 0);
}

/** Parse one chat line into an intent with its arguments. Anything unclear is `none`. */
export function parseChatCommand(raw: string): ChatCommand {
  if (typeof raw !== 'string') return NONE;
  const text = normalizeChatText(raw);
  if (!text) return NONE;
  const c = core(text);
  const lower = c.toLowerCase();

  if (HELP.has(lower) || HELP.has(text.toLowerCase())) return { intent: 'help' };

  const bindGroup = BIND_GROUP.exec(c);
  if (bindGroup) return { intent: 'bind_group', code: bindGroup[1]! };

  const bind = BIND.exec(c);
  if (bind) return { intent: 'bind', code: bind[1]! };

  if (BARE_HAZARD.test(c)) return { intent: 'report_hazard', description: '' };
  const hazard = HAZARD.exec(text.replace(/^[\s【[]*(?=#)/u, ''));
  if (hazard) {
    // Read from the line as written, so the stored text keeps its punctuation (NFKC only decided).
    const clean = cleanChatText(raw);
    const asWritten = HAZARD.exec(clean.replace(/^[\s【[［]*(?=[#＃])/u, ''));
    return hazardCommand((asWritten ?? hazard)[1]!);
  }

  const query = QUERY.exec(text.replace(EDGE_PUNCTUATION, ''));
  if (query && /\d/.test(query[1]!)) return { intent: 'query', code: query[1]!.toUpperCase() };
  if (BARE_CODE.test(c)) return { intent: 'query', code: c.toUpperCase() };

  if (SHELTER.test(c.replace(/[?？]/g, ''))) return { intent: 'nearest_shelter' };

  const questionOrNegation = isQuestionOrNegation(text);
  if (!questionOrNegation) {
    if (AT_POST.test(c)) return { intent: 'stage', stage: 'at_post' };
    const done = TRANSFER_DONE.exec(c);
    if (done && !NOT_A_REPORT.test(done[1]!)) {
      const n = done[2] === undefined ? undefined : numberOf(done[2]);
      if (done[2] === undefined) return { intent: 'stage', stage: 'transfer_done' };
      if (n !== undefined) return { intent: 'stage', stage: 'transfer_done', count: n };
    }
  }

  const transfer = TRANSFER.exec(c);
  if (transfer && !TRANSFER_NOT_DONE.test(c) && !questionOrNegation) {
    const n = numberOf(transfer[1]!);
    if (n !== undefined && n > 0) return { intent: 'transfer', count: n };
  }

  if (questionOrNegation) return NONE;
  if (ACK_WORDS.has(lower) || ACK.test(c)) return { intent: 'ack' };
  if (CHECKIN.test(c)) return { intent: 'checkin' };
  return NONE;
}

/** A count of people: digits or a Chinese numeral, 0 … 100000. */
function numberOf(s: string): number | undefined {
  const n = /^\d+$/.test(s) ? Number(s) : chineseNumber(s);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 && n <= 100000 ? n : undefined;
}

const PAIRS: Record<string, string> = { '(': ')', '（': '）', '【': '】', '「': '」', '《': '》', '“': '”', '‘': '’' };
const CLOSERS = new Map(Object.entries(PAIRS).map(([open, close]) => [close, open]));
const STORED_EDGE = /^[\s,.;:!~、，。；：！～…·．-]+|[\s,.;:!~、，。；：！～…·．-]+$/gu;

/** Trim stored text: separators at both ends go, a bracket goes only when its partner is not in the text. */
function trimStored(s: string): string {
  let t = s.replace(STORED_EDGE, '');
  for (;;) {
    const first = t[0];
    const last = t[t.length - 1];
    if (first && PAIRS[first] && !t.includes(PAIRS[first]!)) t = t.slice(1);
    else if (last && CLOSERS.has(last) && !t.includes(CLOSERS.get(last)!)) t = t.slice(0, -1);
    else if (first && /["']/.test(first) && t.split(first).length === 2) t = t.slice(1);
    else if (last && /["']/.test(last) && t.split(last).length === 2) t = t.slice(0, -1);
    else return t;
    t = t.replace(STORED_EDGE, '');
  }
}

function hazardCommand(rest: string): ChatCommand {
  let body = rest.trim();
  let location: string | undefined;
  const loc = LOCATION.exec(body);
  if (loc) {
    location = trimStored(loc[1]!) || undefined;
    body = body.slice(0, loc.index);
  }
  const description = trimStored(body).replace(/\s+/g, ' ');
  return location ? { intent: 'report_hazard', description, location } : { intent: 'report_hazard', description };
}
