/**
 * The kinds of subscription message and the values each offers to a template's keywords, in the
 * office's words. The same lists as the server's (server/src/subscriptions/settings.ts), which
 * checks every saved mapping against them. Plain data, without components: the audit log's
 * settings diff words its entries with them too (admin/audit/settings-words.ts).
 */
export const KINDS = [
  { kind: 'tip_status', label: '举报处理进度', hint: '群众的举报被受理、不予受理、整改完成时通知本人' },
  { kind: 'reward_status', label: '举报奖励进度', hint: '奖励待审核、批准、发放时通知举报人' },
  { kind: 'warning', label: '预警发布', hint: '发布预警时通知订阅了的群众' },
  { kind: 'drill', label: '演练通知', hint: '演练开始时通知参加的群众' },
] as const;
export type Kind = (typeof KINDS)[number]['kind'];

export const VALUE_WORDS: Record<Kind, Record<string, string>> = {
  tip_status: {
    code: '举报编号',
    category: '隐患类别',
    status: '处理状态（短语）',
    statusLabel: '处理状态',
    note: '说明',
    time: '时间',
  },
  reward_status: {
    code: '举报编号',
    status: '奖励状态（短语）',
    statusLabel: '奖励状态',
    amount: '奖励金额',
    note: '说明',
    time: '时间',
  },
  warning: {
    title: '预警标题',
    level: '预警级别',
    levelLabel: '预警级别名称',
    area: '预警范围',
    body: '预警内容',
    time: '发布时间',
    expires: '解除时间',
  },
  drill: { title: '演练名称', time: '开始时间', place: '集结地点', note: '说明' },
};
