/** What the audit log shows of a change: the fields that differ, by dotted path, in words. */
export interface Change {
  key: string;
  before?: string;
  after?: string;
}

/** Internal ids mean nothing to a reader; the names next to them say it. */
const HIDDEN = /(^|\.)(id|gridId|villageId|grid|village|town)$/;

function flatten(v: unknown, prefix: string, out: Map<string, string>): void {
  if (v === null || v === undefined) return;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // A boundary reads as its number of corners, not its coordinates.
    if (o.type === 'Polygon' && Array.isArray(o.coordinates)) {
      const ring = (o.coordinates as unknown[][])[0] ?? [];
      out.set(prefix, `${Math.max(0, ring.length - 1)} 个角的边界`);
      return;
    }
    for (const [k, x] of Object.entries(o)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  if (HIDDEN.test(prefix)) return;
  const text =
    typeof v === 'boolean'
      ? v
        ? '是'
        : '否'
      : Array.isArray(v)
        ? JSON.stringify(v)
        : (VALUES[String(v)] ?? String(v));
  out.set(prefix, text);
}

const LABELS: Record<string, string> = {
  name: '名称',
  code: '编号',
  kind: '类型',
  active: '启用',
  boundary: '边界',
  channel: '渠道',
  webhookKey: '机器人 key',
  by: '操作的微信号',
  reason: '原因',
  gridName: '网格',
  'hazardDeadlineDays.major': '重大隐患整改期限（天）',
  'hazardDeadlineDays.general': '一般隐患整改期限（天）',
  'ackMinutes.red': '红色预警确认时限（分钟）',
  'ackMinutes.orange': '橙色预警确认时限（分钟）',
  'ackMinutes.yellow': '黄色预警确认时限（分钟）',
  'ackMinutes.blue': '蓝色预警确认时限（分钟）',
  'escalationWaitMinutes.red': '红色预警逐级提醒间隔（分钟）',
  'escalationWaitMinutes.orange': '橙色预警逐级提醒间隔（分钟）',
  'scoreWeights.calloutConfirmation': '考核：叫应确认权重',
  'scoreWeights.hazardsOnTime': '考核：隐患按期整改权重',
};
const label = (k: string) => LABELS[k] ?? k;
/** Stored codes that read better in words. */
const VALUES: Record<string, string> = {
  village: '村',
  community: '社区',
  wechaty: '微信群',
  wecom_app: '企业微信群',
  wecom_robot: '群机器人',
};

export function changes(before: unknown, after: unknown): Change[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((k) => ({ key: k ? label(k) : '内容', before: a.get(k), after: b.get(k) }));
}
