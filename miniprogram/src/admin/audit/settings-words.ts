/**
 * The town's settings in the words of the 本镇设置 page (admin/settings/*.tsx), for the audit log.
 * Kept here as plain data so the log's wording needs no Taro component to be read or tested; a
 * label changed on the settings page should be changed here too (the template words are the form's own).
 */
import { KINDS, VALUE_WORDS as TEMPLATE_VALUE_WORDS } from '../settings/template-words';

/** A number of the settings: its label and its unit, by dotted path. */
export const NUMBER_WORDS: Record<string, { label: string; unit: string }> = {
  'hazardDeadlineDays.major': { label: '重大隐患整改期限', unit: '天' },
  'hazardDeadlineDays.general': { label: '一般隐患整改期限', unit: '天' },
  'hazards.escalateAfterHours': { label: '隐患逾期后提醒上级', unit: '小时后' },
  'hazards.outsideTownKm': { label: '位置离网格最远', unit: '公里' },
  tipsPerHour: { label: '每人每小时最多举报', unit: '条' },
  duplicateRadiusM: { label: '疑似重复举报·相距', unit: '米以内' },
  duplicateWindowDays: { label: '疑似重复举报·相隔', unit: '天以内' },
  'drills.assemblyTargetMinutes': { label: '演练集结时限', unit: '分钟' },
  'incidents.reportUpMinutes': { label: '突发事件上报时限', unit: '分钟' },
  'scoreWeights.calloutConfirmation': { label: '考核权重·叫应确认', unit: '分' },
  'scoreWeights.hazardsOnTime': { label: '考核权重·隐患按期整改', unit: '分' },
  'scoreWeights.drillAttendance': { label: '考核权重·演练到位', unit: '分' },
  'scoreWeights.incidentsWithinHour': { label: '考核权重·突发事件按时上报', unit: '分' },
};

const LEVELS: [string, string][] = [
  ['red', '红色'],
  ['orange', '橙色'],
  ['yellow', '黄色'],
  ['blue', '蓝色'],
];
for (const [l, w] of LEVELS) {
  NUMBER_WORDS[`ackMinutes.${l}`] = { label: `${w}预警确认时限`, unit: '分钟' };
  NUMBER_WORDS[`escalationWaitMinutes.${l}`] = { label: `${w}预警逐级提醒间隔`, unit: '分钟' };
}

/** The server's name for the deadlines (`deadlineDays`) read as the API's (`hazardDeadlineDays`). */
export const PATH_ALIASES: Record<string, string> = { deadlineDays: 'hazardDeadlineDays' };

/** Settings that are a choice among a few codes: label and the words of each code. */
export const CHOICE_WORDS: Record<string, { label: string; values: Record<string, string> }> = {
  'rewards.trigger': {
    label: '奖励规则·何时奖励',
    values: { accepted: '举报受理后', closed: '隐患整改销号后' },
  },
  'subscribe.miniprogramState': {
    label: '订阅消息·打开的小程序版本',
    values: { formal: '正式版', trial: '体验版', developer: '开发版' },
  },
  'moderation.scene': {
    label: '内容审核·场景',
    values: { '1': '资料', '2': '评论', '3': '论坛', '4': '社交日志' },
  },
  'subscribe.lang': {
    label: '订阅消息·语言',
    values: { zh_CN: '简体中文', en_US: '英文', zh_HK: '繁体中文（香港）', zh_TW: '繁体中文（台湾）' },
  },
};

/** Settings that are a list: label, and how one item reads. */
export const LIST_WORDS: Record<string, { label: string; role?: boolean }> = {
  'rewards.roles': { label: '奖励规则·奖励谁的举报', role: true },
  'incidents.leaderRoles': { label: '突发事件逾期上报给（身份）', role: true },
  'incidents.leaderUsernames': { label: '突发事件逾期上报给（账号）' },
  'moderation.extraWords': { label: '内容审核·补充词表' },
};

/** The kinds of subscription message, as the 订阅消息模板 form names them. */
export const KIND_WORDS: Record<string, string> = Object.fromEntries(KINDS.map((k) => [k.kind, k.label]));

/** What fills a template keyword, by message kind (the form's own words). */
export const VALUE_WORDS: Record<string, Record<string, string>> = TEMPLATE_VALUE_WORDS;

/** The 本镇企业微信应用 card's fields (WecomApp.tsx); the secrets are never shown, only that they changed. */
export const WECOM_WORDS: Record<string, string> = {
  corpId: '企业 ID',
  agentId: 'AgentId',
  secret: 'Secret',
  token: '回调 Token',
  encodingAESKey: '回调 EncodingAESKey',
};
export const WECOM_SECRETS = new Set(['secret', 'token', 'encodingAESKey']);

/** The top-level sections, for a change the words above do not cover. */
export const SECTION_WORDS: Record<string, string> = {
  hazardDeadlineDays: '整改期限',
  hazards: '隐患',
  ackMinutes: '确认时限',
  escalationWaitMinutes: '逐级提醒间隔',
  scoreWeights: '考核权重',
  drills: '演练',
  incidents: '突发事件',
  rewards: '奖励规则',
  departmentByCategory: '部门分派',
  subscribe: '订阅消息',
  moderation: '内容审核',
  wecomApp: '企业微信应用',
  extra: '其他设置',
};
