import { DECISION_WORDS, ruleText } from '../../miniprogram/src/services/rewards';

describe('the reward page in words, not rule codes', () => {
  it.each<[string, string]>([
    ['等级=general：50 元', '一般隐患：50 元'],
    ['等级=major，类别=fire：500 元', '重大隐患，消防：500 元'],
    ['默认：20 元', '默认：20 元'],
  ])('shows %s as %s', (rule, words) => {
    expect(ruleText(rule)).toBe(words);
  });

  it('names the system proposal in Chinese', () => {
    expect(DECISION_WORDS.propose).toBe('系统建议');
  });
});
