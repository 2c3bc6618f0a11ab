import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseChatCommand, chineseNumber, type ChatCommand } from '@yingji/shared';

const ack = { intent: 'ack' };
const checkin = { intent: 'checkin' };
const none = { intent: 'none' };
const help = { intent: 'help' };
const shelter = { intent: 'nearest_shelter' };
const hazard = (description: string, location?: string) =>
  location ? { intent: 'report_hazard', description, location } : { intent: 'report_hazard', description };
const query = (code: string) => ({ intent: 'query', code });
const transfer = (count: number) => ({ intent: 'transfer', count });
const atPost = { intent: 'stage', stage: 'at_post' };
const transferDone = (count?: number) =>
  count === undefined
    ? { intent: 'stage', stage: 'transfer_done' }
    : { intent: 'stage', stage: 'transfer_done', count };

/** Realistic lines from grid groups, with what the bot must understand from them. */
const TABLE: [string, ChatCommand | Record<string, unknown>][] = [
  // acknowledgements
  ['收到', ack],
  ['已收到', ack],
  ['收到！', ack],
  ['收到!', ack],
  ['收到！！！', ack],
  ['好的收到', ack],
  ['好的，收到', ack],
  ['1', ack],
  ['１', ack],
  ['111', ack],
  [' 收到 ', ack],
  ['　收到　', ack],
  ['收到了', ack],
  ['收到收到', ack],
  ['我已收到', ack],
  ['已经收到', ack],
  ['收到👍', ack],
  ['👌收到', ack],
  ['收到[强]', ack],
  ['[抱拳]收到', ack],
  ['收到，马上落实', ack],
  ['收到，立即组织巡查', ack],
  ['收到，没问题', ack],
  ['收到谢谢', ack],
  ['嗯嗯收到', ack],
  ['OK收到', ack],
  ['明白', ack],
  ['知道了', ack],
  ['已阅', ack],
  ['已阅。', ack],
  ['已阅！', ack],
  ['已阅，马上落实', ack],
  ['已阅收到', ack],
  ['收到已阅', ack],
  ['好的已阅', ack],
  ['已阅 谢谢', ack],
  ['已阅[强]', ack],
  ['已知悉', ack],
  ['知悉，立即安排', ack],
  ['@应急小助手\u2005收到', ack],
  ['@应急小助手 收到', ack],
  ['@应急小助手\u2005@张三\u2005已收到', ack],
  ['收到 @应急办', ack],
  ['「应急办：请各网格注意防范强降雨」\n- - - - - - - - - - - - - - -\n收到', ack],
  // never an acknowledgement
  ['没收到', none],
  ['还没收到', none],
  // a question emoji asks rather than confirms
  ['收到❓', none],
  ['收到[疑问]', none],
  ['签到了❓', none],
  ['收到🤔', none],
  // plans are not people moved
  ['预计转移12人', none],
  ['建议转移12人', none],
  ['还要转移5人', none],
  // a lone question mark or a bare word is chatter, not a request for the menu
  ['?', none],
  ['？', none],
  ['说明', none],
  ['未收到', none],
  ['收不到', none],
  ['没有收到', none],
  ['收到了吗？', none],
  ['收到了吗?', none],
  ['收到吗', none],
  ['收到没', none],
  ['收到没有', none],
  ['大家都收到了吗？', none],
  ['谁收到了', none],
  ['是否收到', none],
  ['收到，但是我这边没信号', none],
  ['2', none],
  ['10', none],
  ['收到？', none],
  ['已阅吗', none],
  ['未阅', none],
  ['还没阅', none],
  ['大家已阅了吗？', none],
  ['谁已阅', none],
  ['阅读理解', none],
  // later stages of a call-out
  ['已到岗', atPost],
  ['到岗了', atPost],
  ['到岗', atPost],
  ['我已到岗', atPost],
  ['已经到岗了！', atPost],
  ['已到岗，正在巡查', atPost],
  ['@应急小助手\u2005已到岗', atPost],
  ['转移完成', transferDone()],
  ['已转移完成', transferDone()],
  ['转移已完成', transferDone()],
  ['全部转移完成', transferDone()],
  ['已完成转移', transferDone()],
  ['石龙村二组转移完成', transferDone()],
  ['转移完成，共 17 人', transferDone(17)],
  ['转移完成 12 人', transferDone(12)],
  ['没到岗', none],
  ['未到岗', none],
  ['还没到岗', none],
  ['到岗了吗？', none],
  ['到岗了吗', none],
  ['到岗没', none],
  ['谁还没到岗', none],
  ['到岗了没有', none],
  ['请尽快到岗', none],
  ['转移完成了吗', none],
  ['转移完成了吗？', none],
  ['还没转移完成', none],
  ['转移未完成', none],
  ['转移没有完成', none],
  ['转移完成了没', none],
  ['请各网格转移完成，报告人数', none],
  ['请各网格转移完成后报告', none],
  // check-in
  ['签到', checkin],
  ['签到！', checkin],
  ['已签到', checkin],
  ['我已签到', checkin],
  ['签到了', checkin],
  ['@应急小助手\u2005签到', checkin],
  ['签到，已到集结点', checkin],
  ['✅签到', checkin],
  ['谁签到了？', none],
  ['签到了吗', none],
  ['没签到', none],
  ['还没签到的请尽快签到', none],
  ['请大家签到', none],
  ['签到了没有', none],
  // hazard reports
  ['隐患 桥头路面塌陷', hazard('桥头路面塌陷')],
  ['隐患：桥头路面塌陷', hazard('桥头路面塌陷')],
  ['隐患:桥头路面塌陷', hazard('桥头路面塌陷')],
  ['#隐患 桥头路面塌陷', hazard('桥头路面塌陷')],
  ['＃隐患 桥头路面塌陷', hazard('桥头路面塌陷')],
  ['#隐患#桥头路面塌陷', hazard('桥头路面塌陷')],
  ['上报隐患 石龙村二组后山有裂缝', hazard('石龙村二组后山有裂缝')],
  ['上报隐患：石龙村二组后山有裂缝', hazard('石龙村二组后山有裂缝')],
  ['隐患上报：加油站旁有人违规动火', hazard('加油站旁有人违规动火')],
  ['【隐患】新建村小学围墙倾斜', hazard('新建村小学围墙倾斜')],
  ['#隐患 桥头路面塌陷 位置: 十直镇 xx村', hazard('桥头路面塌陷', '十直镇 xx村')],
  ['#隐患 桥头路面塌陷 位置：双河村三组', hazard('桥头路面塌陷', '双河村三组')],
  ['隐患 河堤有管涌，地点：双河村河堤', hazard('河堤有管涌', '双河村河堤')],
  ['隐患 饭店液化气瓶放在后厨通道 地址 十直街12号', hazard('饭店液化气瓶放在后厨通道', '十直街12号')],
  ['@应急小助手\u2005#隐患 路边电线杆倾斜⚠️', hazard('路边电线杆倾斜')],
  ['#隐患   山体滑坡   ', hazard('山体滑坡')],
  ['隐患：危岩松动！！', hazard('危岩松动')],
  ['隐患 鞭炮店无证经营\n位置：十直场镇', hazard('鞭炮店无证经营', '十直场镇')],
  ['#隐患', hazard('')],
  ['隐患', hazard('')],
  ['隐患！', hazard('')],
  ['＃隐患', hazard('')],
  ['上报隐患', hazard('')],
  ['@应急小助手\u2005隐患', hazard('')],
  ['隐患？', none],
  ['隐患排查', none],
  // the description and place keep their Chinese punctuation (NFKC is for reading only)
  [
    '#隐患 桥头路面塌陷，车辆无法通行！位置：十直社区桥头（靠近学校）',
    hazard('桥头路面塌陷，车辆无法通行', '十直社区桥头（靠近学校）'),
  ],
  ['＃隐患：河堤有管涌；请尽快处理', hazard('河堤有管涌；请尽快处理')],
  ['隐患 “危房”有人居住，共３户', hazard('“危房”有人居住，共３户')],
  ['[隐患]路灯坏了', hazard('路灯坏了')],
  ['隐患排查工作已完成', none],
  ['隐患整改情况怎么样', none],
  ['本周隐患排查请各网格于周五前上报', none],
  // queries
  ['查 SZ-0012', query('SZ-0012')],
  ['查 sz-0012', query('SZ-0012')],
  ['查询 yh20240012', query('YH20240012')],
  ['查询：SZ-YH-0003', query('SZ-YH-0003')],
  ['查询隐患 SZ-0012', query('SZ-0012')],
  ['查一下 Sz-0012', query('SZ-0012')],
  ['查 ＳＺ－００１２', query('SZ-0012')],
  ['查编号 SZ-0012', query('SZ-0012')],
  ['@应急小助手 查 SZ-0012', query('SZ-0012')],
  ['查 sz-2024-0012', query('SZ-2024-0012')],
  ['查sz-2024-0012', query('SZ-2024-0012')],
  ['查询隐患编号：sz-2024-0012', query('SZ-2024-0012')],
  ['查 sz-2024-0012 的进度', query('SZ-2024-0012')],
  ['sz-2024-0012', query('SZ-2024-0012')],
  ['SZ-2024-0012', query('SZ-2024-0012')],
  ['查 天气', none],
  ['查一下', none],
  ['查查看', none],
  // transfers
  ['已转移 12 人', transfer(12)],
  ['已转移12人', transfer(12)],
  ['已转移１２人', transfer(12)],
  ['已转移 １２ 人', transfer(12)],
  ['已转移群众 8 人', transfer(8)],
  ['已安全转移 30 名群众', transfer(30)],
  ['石龙村二组已转移 5 人', transfer(5)],
  ['转移 3 人', transfer(3)],
  ['已转移十二人', transfer(12)],
  ['已转移两人', transfer(2)],
  ['累计转移 105 人', transfer(105)],
  ['转移 5 户 17 人', transfer(17)],
  ['已转移5户17人', transfer(17)],
  ['已转移 5 户，17 人', transfer(17)],
  ['共转移 3 户 10 名群众', transfer(10)],
  ['已转移群众 4 户共 11 人', transfer(11)],
  ['已转移 5 户', none],
  ['已转移 0 人', none],
  ['需转移 12 人', none],
  ['待转移 6 人', none],
  ['已转移多少人？', none],
  ['还有 3 人未转移', none],
  ['转移了几个人', none],
  // help
  ['帮助', help],
  ['help', help],
  ['HELP', help],
  ['菜单', help],
  ['@应急小助手\u2005帮助', help],
  // nearest shelter
  ['最近的避难场所', shelter],
  ['附近避难所', shelter],
  ['最近的避难场所在哪？', shelter],
  ['附近的避难点在哪里', shelter],
  ['避难场所在哪', shelter],
  ['避难场所在哪？', shelter],
  ['避难所在哪', shelter],
  ['最近的避难场所在哪里？', shelter],
  ['请问最近的避难所在哪里？', shelter],
  ['哪里有避难场所', shelter],
  ['附近有避难场所吗？', shelter],
  ['请大家到避难场所集中', none],
  ['避难场所已开放', none],
  // binding a chat account
  ['绑定 123456', { intent: 'bind', code: '123456' }],
  ['绑定１２３４５６', { intent: 'bind', code: '123456' }],
  ['绑定 12345', none],
  // everything else
  ['', none],
  ['   ', none],
  ['👍', none],
  ['[强]', none],
  ['@应急小助手', none],
  ['今天雨好大', none],
  ['大家注意安全', none],
  ['请各网格今晚加强巡查', none],
  ['好的', none],
];

describe('the chat-command parser', () => {
  it('has a table of at least 100 realistic lines', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(100);
  });

  it.each(TABLE)('understands %j', (line, expected) => {
    expect(parseChatCommand(line)).toEqual(expected);
  });

  it.each([
    ['十二', 12],
    ['两百零五', 205],
    ['十', 10],
    ['三千', 3000],
    ['一二', undefined],
    ['十二个', undefined],
  ])('reads the Chinese numeral %s', (s, n) => {
    expect(chineseNumber(s)).toBe(n);
  });

  it('answers one JSON object per input line through `npm run --silent parse-chat`', () => {
    const root = path.resolve(__dirname, '../..');
    const out = execFileSync('npm', ['run', '--silent', 'parse-chat'], {
      cwd: root,
      input: '收到\n没收到\n已转移１２人\n#隐患 桥头路面塌陷 位置: 双河村\n已到岗\n转移完成\n到岗了吗？\n',
      encoding: 'utf8',
    });
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { intent: 'ack' },
      { intent: 'none' },
      { intent: 'transfer', count: 12 },
      { intent: 'report_hazard', description: '桥头路面塌陷', location: '双河村' },
      { intent: 'stage', stage: 'at_post' },
      { intent: 'stage', stage: 'transfer_done' },
      { intent: 'none' },
    ]);
    // Exactly these lines: the stage comes right after the intent.
    expect(out.split('\n').slice(4, 6)).toEqual([
      '{"intent":"stage","stage":"at_post"}',
      '{"intent":"stage","stage":"transfer_done"}',
    ]);
  }, 60000);
});
