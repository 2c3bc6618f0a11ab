import { formatTime } from '../../text';
import { settingsChanges } from './settings-diff';
import { short, type Change } from './values';

export type { Change } from './values';

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
  if (typeof v === 'boolean') out.set(prefix, v ? '是' : '否');
  else if (Array.isArray(v)) out.set(prefix, short(v));
  else if (typeof v === 'string' && ISO_TIME.test(v)) out.set(prefix, formatTime(v));
  else out.set(prefix, VALUES[String(v)] ?? String(v));
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
  grids: '网格',
  villagesCreated: '新建村（社区）数',
  total: '共计',
  created: '新增',
  existing: '已存在',
  expiresAt: '有效期至',
};
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;
const label = (k: string) => LABELS[k] ?? k;
/** Stored codes that read better in words. */
const VALUES: Record<string, string> = {
  village: '村',
  community: '社区',
  wechaty: '微信群',
  wecom_app: '企业微信群',
  wecom_robot: '群机器人',
};

/** What the audit log shows of a change: the fields that differ, by dotted path, in words. */
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

/**
 * The lines of one audit entry: a settings change in the settings page's words; a village, grid or
 * 村民小组 retired in one line (it is kept as a record, so not every field "deleted"); any other by
 * its fields.
 */
export function changesOf(action: string, before: unknown, after: unknown): Change[] {
  if (action === 'town.config') return settingsChanges(before, after);
  if (action.endsWith('.retire') && (after === undefined || after === null))
    return [{ key: '状态', before: '在用', after: '已撤销（记录保留，不再分派）' }];
  return changes(before, after);
}
