import { buildData, fieldType, fitValue } from '../../server/src/subscriptions/fields';
import { SubscribeSettingsSchema } from '../../server/src/subscriptions/settings';

const at = new Date('2026-12-01T08:25:00Z'); // 16:25 in Shanghai

describe('subscription-message values fitted to WeChat rules', () => {
  it.each([
    ['thing', '河堤出现裂缝', '河堤出现裂缝'],
    ['thing', '一二三四五六七八九十一二三四五六七八九十', '一二三四五六七八九十一二三四五六七八九十'],
    ['thing', '一二三四五六七八九十一二三四五六七八九十多', '一二三四五六七八九十一二三四五六七八九…'],
    ['thing', '第一行\n第二行', '第一行 第二行'],
    ['thing', '', '无'],
    ['phrase', '已受理', '已受理'],
    ['phrase', '已受理，已列入隐患清单', '已受理已列'],
    ['phrase', 'OK', '无'],
    ['character_string', 'SZ-T-2026-0001', 'SZ-T-2026-0001'],
    ['character_string', '编号 SZ-0001', 'SZ-0001'],
    ['character_string', 'A'.repeat(40), 'A'.repeat(32)],
    ['number', '共 12 人', '12'],
    ['number', '3,000.5', '3000.5'],
    ['letter', 'ab12cd', 'abcd'],
    ['symbol', '!!!???', '!!!??'],
    ['phone_number', '023-7061 1234', '023-70611234'],
    ['name', '欧阳一二三四五六七八九', '欧阳一二三四五六七…'],
    ['name', 'Li Wei', 'Li Wei'],
    ['car_number', '渝A 12345', '渝A12345'],
  ] as const)('%s %j → %j', (type, raw, want) => {
    expect(fitValue(type, raw, at)).toBe(want);
  });

  it('writes times and dates in Shanghai time, WeChat format', () => {
    expect(fitValue('time', at)).toBe('2026年12月1日 16:25');
    expect(fitValue('time', '2026-12-31T16:05:00Z')).toBe('2027年1月1日 00:05');
    expect(fitValue('date', at)).toBe('2026年12月1日');
    expect(fitValue('time', undefined, at)).toBe('2026年12月1日 16:25');
  });

  it('writes amounts with a currency sign and two decimals', () => {
    expect(fitValue('amount', 50)).toBe('¥50.00');
    expect(fitValue('amount', '3000元')).toBe('¥3000.00');
  });

  it('reads the type from the keyword and skips keywords WeChat would not know', () => {
    expect(fieldType('character_string12')).toBe('character_string');
    expect(fieldType('thing1')).toBe('thing');
    expect(fieldType('title1')).toBeUndefined();
    expect(
      buildData(
        { thing1: 'title', phrase2: 'status', time3: 'time', thing4: { text: '十直镇应急办' }, bogus5: 'title' },
        { title: '关于做好强降雨防范的紧急通知（第三期）及后续安排', status: '已受理', time: at },
      ),
    ).toEqual({
      thing1: { value: '关于做好强降雨防范的紧急通知（第三期）…' },
      phrase2: { value: '已受理' },
      time3: { value: '2026年12月1日 16:25' },
      thing4: { value: '十直镇应急办' },
    });
  });

  it('refuses settings that map a keyword to a value the kind does not have', () => {
    const ok = SubscribeSettingsSchema.safeParse({
      templates: { tip_status: { templateId: 't1', fields: { character_string1: 'code', phrase2: 'status' } } },
    });
    expect(ok.success).toBe(true);
    const bad = SubscribeSettingsSchema.safeParse({
      templates: { tip_status: { templateId: 't1', fields: { thing1: 'amount' } } },
    });
    expect(bad.success).toBe(false);
    const badKey = SubscribeSettingsSchema.safeParse({
      templates: { warning: { templateId: 't1', fields: { title1: 'title' } } },
    });
    expect(badKey.success).toBe(false);
  });
});
