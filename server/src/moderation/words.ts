/**
 * The local word list: the fallback content check when WeChat's msgSecCheck is unreachable or not
 * configured (pure). Deliberately short and conservative: fraud, gambling, drugs, weapons, abuse,
 * the usual spam of a public form; a town adds its own words in settings (moderation.extraWords).
 * A match holds the text for the office (`review`), it never rejects a tip.
 */
export const LOCAL_WORDS: Record<string, readonly string[]> = {
  欺诈: ['代开发票', '刷单', '套现', '网贷', '兼职日结', '加微信领', '中奖', '免费领取'],
  违法犯罪: ['赌博', '博彩', '六合彩', '毒品', '冰毒', '大麻', '枪支', '弹药', '办证', '假证'],
  色情: ['色情', '裸聊', '约炮', '援交'],
  辱骂: ['傻逼', '操你', '去死', '狗日', '王八蛋'],
  广告: ['微信号', 'vx:', 'v信', '加群', '代理招募'],
};

/** Lower-case, full-width to half-width, no spaces or punctuation in between (傻 逼, 傻*逼). */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s*_\-.·•~|/\\]+/g, '');
}

export interface LocalVerdict {
  suggest: 'pass' | 'review';
  /** The category (广告, 欺诈 …) and the word that matched. */
  label?: string;
  keyword?: string;
}

export function localCheck(text: string, extraWords: readonly string[] = []): LocalVerdict {
  const t = normalize(text);
  const lists: [string, readonly string[]][] = [...Object.entries(LOCAL_WORDS), ['本镇词表', extraWords]];
  for (const [label, words] of lists)
    for (const w of words) {
      const n = normalize(w);
      if (n && t.includes(n)) return { suggest: 'review', label, keyword: w };
    }
  return { suggest: 'pass' };
}
