import { changesOf } from '../../miniprogram/src/admin/audit/diff';

/** What the 操作日志 shows of one settings change (audit action town.config), line by line. */
const read = (before: unknown, after: unknown) =>
  changesOf('town.config', before, after).map(
    (c) => `${c.key}：${c.before !== undefined ? `${c.before} → ` : ''}${c.after ?? '（已删除）'}`,
  );

const RULES = [
  { level: 'general', amount: 50 },
  { level: 'major', amount: 3000, fineShare: 0.15 },
];

describe('the audit log says a settings change in the settings page’s words', () => {
  it('names the deadline and its unit, and only what changed', () => {
    expect(
      read({ hazardDeadlineDays: { general: 30, major: 7 } }, { hazardDeadlineDays: { general: 30, major: 5 } }),
    ).toEqual(['重大隐患整改期限：7 天 → 5 天']);
    expect(
      read(
        { ackMinutes: { red: 10, orange: 20, yellow: 30, blue: 60 }, escalationWaitMinutes: { red: 5 } },
        { ackMinutes: { red: 10, orange: 20, yellow: 30, blue: 45 }, escalationWaitMinutes: { red: 3 } },
      ),
    ).toEqual(['蓝色预警确认时限：60 分钟 → 45 分钟', '红色预警逐级提醒间隔：5 分钟 → 3 分钟']);
  });

  it('says a reward rule added, changed and taken out in the rewards page’s words', () => {
    const added = read(
      { rewards: { trigger: 'accepted', roles: ['resident'], rules: RULES } },
      {
        rewards: {
          trigger: 'accepted',
          roles: ['resident'],
          rules: [
            { level: 'general', amount: 80 },
            RULES[1],
            { level: 'major', category: 'fire', amount: 500, maxAmount: 2000 },
          ],
        },
      },
    );
    expect(added).toEqual([
      '奖励规则·第 1 条：一般隐患：50 元 → 一般隐患：80 元',
      '奖励规则：新增 第 3 条（重大隐患，消防：500 元，最多 2000 元）',
    ]);
    // Taking out the first rule is not every later rule changed.
    expect(read({ rewards: { rules: RULES } }, { rewards: { rules: [RULES[1]] } })).toEqual([
      '奖励规则：删除 原第 1 条（一般隐患：50 元）',
    ]);
    expect(
      read(
        { rewards: { trigger: 'accepted', roles: ['resident'] } },
        { rewards: { trigger: 'closed', roles: ['resident', 'grid'] } },
      ),
    ).toEqual(['奖励规则·何时奖励：举报受理后 → 隐患整改销号后', '奖励规则·奖励谁的举报：群众 → 群众、网格员']);
  });

  it('names a department set and cleared by its category', () => {
    expect(read({ departmentByCategory: {} }, { departmentByCategory: { fire: '镇消防所' } })).toEqual([
      '部门分派·消防：（默认） → 镇消防所',
    ]);
    expect(
      read({ departmentByCategory: { fire: '镇消防所', gas: '城建办' } }, { departmentByCategory: { gas: '城建办' } }),
    ).toEqual(['部门分派·消防：镇消防所 → （默认）']);
  });

  it('names a template id and keyword changed by the kind of message', () => {
    const tmpl = (templateId: string, fields: Record<string, unknown>) => ({
      subscribe: { miniprogramState: 'formal', templates: { tip_status: { templateId, fields } } },
    });
    expect(
      read(
        tmpl('tmpl-old', { character_string1: 'code', thing3: { text: '十直镇应急办' } }),
        tmpl('tmpl-new', { character_string1: 'code', phrase2: 'status' }),
      ),
    ).toEqual([
      '订阅消息模板·举报处理进度·模板 ID：tmpl-old → tmpl-new',
      '订阅消息模板·举报处理进度·关键词 thing3：固定文字“十直镇应急办” → （无）',
      '订阅消息模板·举报处理进度·关键词 phrase2：（无） → 处理状态（短语）',
    ]);
    expect(
      read(
        { subscribe: { templates: {} } },
        { subscribe: { templates: { warning: { templateId: 'w1', fields: {} } } } },
      ),
    ).toEqual(['订阅消息模板·预警发布·模板 ID：（不发送） → w1']);
  });

  it('says a WeCom secret was set or replaced, never its value nor the mask', () => {
    const lines = read(
      { wecomApp: { corpId: 'ww1', agentId: 1000002, secret: '******' } },
      {
        wecomApp: { corpId: 'ww2', agentId: 1000002, secret: 'new-secret', token: '******', encodingAESKey: '******' },
      },
    );
    expect(lines).toEqual([
      '企业微信应用·企业 ID：ww1 → ww2',
      '企业微信应用·Secret：已更换',
      '企业微信应用·回调 Token：已设置',
      '企业微信应用·回调 EncodingAESKey：已设置',
    ]);
    expect(lines.join()).not.toMatch(/\*|new-secret/);
    expect(read({ wecomApp: { token: '******' } }, { wecomApp: { token: '' } })).toEqual([
      '企业微信应用·回调 Token：已清除',
    ]);
  });

  it('shows an unknown setting by its path and a short value, never a JSON blob', () => {
    const long = Array.from({ length: 50 }, (_, i) => `词${i}`);
    const lines = read(
      { extra: { pilot: { enabled: false } }, newSection: { items: [{ a: 1 }, { a: 2 }] } },
      { extra: { pilot: { enabled: true } }, newSection: { items: [{ a: 1 }, { a: 2 }, { a: 3 }] }, brandNew: long },
    );
    expect(lines).toEqual([
      '其他设置·pilot·enabled：否 → 是',
      'newSection.items：2 项 → 3 项',
      expect.stringMatching(/^brandNew：（空） → 词0、词1、.*…$/),
    ]);
    for (const l of lines) expect(l).not.toMatch(/[{}[\]"]/);
    expect(lines[2]!.length).toBeLessThan(70);
  });
});

describe('the audit log says other changes by their fields', () => {
  const lines = (action: string, before: unknown, after: unknown) =>
    changesOf(action, before, after).map(
      (c) => `${c.key}：${c.before !== undefined ? `${c.before} → ` : ''}${c.after}`,
    );

  it('lists imported grids as names and a time in Beijing time, not JSON or ISO', () => {
    expect(lines('places.import', null, { grids: ['青杠村第一网格', '青杠村第二网格'], villagesCreated: 1 })).toEqual([
      '网格：青杠村第一网格、青杠村第二网格',
      '新建村（社区）数：1',
    ]);
    expect(lines('user.bind-code', null, { expiresAt: '2026-12-01T16:30:00.000Z' })).toEqual([
      '有效期至：12月2日 00:30',
    ]);
  });
});

describe('the audit log says a retired village or grid in one line', () => {
  it('not as every field deleted: the record is kept', () => {
    const boundary = {
      type: 'Polygon',
      coordinates: [
        [
          [107, 29],
          [107.1, 29],
          [107.1, 29.1],
          [107, 29],
        ],
      ],
    };
    const lines = changesOf('grid.retire', { name: '青杠村第二网格', code: 'QG-02', boundary }, undefined);
    expect(lines).toEqual([{ key: '状态', before: '在用', after: '已撤销（记录保留，不再分派）' }]);
    expect(changesOf('village.retire', { name: '青杠村', kind: 'village' }, undefined)).toHaveLength(1);
  });
});
