import { localCheck } from '../../server/src/moderation/words';

describe('the local word list used when WeChat cannot be asked', () => {
  it.each([
    ['河堤出现裂缝，约三米长', 'pass', undefined],
    ['有人在桥下聚众赌博', 'review', '违法犯罪'],
    ['专业代开发票，联系我', 'review', '欺诈'],
    ['代 开 发 票', 'review', '欺诈'],
    ['加ＶＸ：abc 领红包', 'review', '广告'],
    ['傻*逼', 'review', '辱骂'],
  ] as const)('%j → %s', (text, suggest, label) => {
    const v = localCheck(text);
    expect(v.suggest).toBe(suggest);
    expect(v.label).toBe(label);
  });

  it("adds the town's own words", () => {
    expect(localCheck('这里有人收保护费', ['保护费'])).toEqual({
      suggest: 'review',
      label: '本镇词表',
      keyword: '保护费',
    });
    expect(localCheck('这里有人收保护费').suggest).toBe('pass');
  });
});
