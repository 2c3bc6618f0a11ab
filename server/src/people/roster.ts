import { AppError, ROLE_LABELS, ROLES, UserCreate, type Role } from '@yingji/shared';
import type { Types } from 'mongoose';
import { readSheetRows, yieldToEventLoop } from '../core/sheet';
import { createUser } from './service';

/**
 * Roster import from the office's Excel sheet. Columns are found by their Chinese header, in any
 * order. Each row is validated and created on its own; a bad row is reported with its number and
 * reason, and never stops the rows after it.
 */
export const ROSTER_COLUMNS = {
  username: ['用户名', '账号'],
  password: ['初始密码', '密码'],
  role: ['角色'],
  name: ['姓名'],
  phone: ['手机号', '电话', '联系电话'],
  village: ['村/社区', '村（社区）', '村社区', '所在村'],
  grids: ['网格'],
  superior: ['上级', '上级用户名'],
  wecomUserId: ['企业微信账号', '企业微信ID', '企业微信'],
  department: ['部门', '单位'],
} as const;

export interface RosterRejection {
  row: number;
  username?: string;
  reason: string;
}
export interface RosterReport {
  total: number;
  created: number;
  rejected: RosterRejection[];
}

/** County and platform accounts are not town staff: a roster cannot create them. */
const ABOVE_TOWN: readonly string[] = ['county', 'platform'];

function roleFrom(text: string): Role | undefined {
  const t = text.trim();
  if (ABOVE_TOWN.includes(t) || ['县应急局', '平台管理员'].includes(t)) return undefined;
  if ((ROLES as readonly string[]).includes(t)) return t as Role;
  return (Object.entries(ROLE_LABELS) as [Role, string][]).find(([, label]) => label === t)?.[0];
}

/** The roster's rows, streamed; more than `maxRows` (IMPORT_MAX_ROWS) is refused before reading on. */
export function readRoster(file: string | Buffer, maxRows?: number) {
  return readSheetRows(file, ROSTER_COLUMNS, maxRows);
}

export async function importRoster(
  townId: Types.ObjectId,
  file: string | Buffer,
  onProgress?: (done: number, total: number) => void,
  maxRows?: number,
): Promise<RosterReport> {
  const rows = await readRoster(file, maxRows);
  const report: RosterReport = { total: rows.length, created: 0, rejected: [] };
  let done = 0;
  for (const { row, values } of rows) {
    const role = roleFrom(values.role ?? '');
    const input = UserCreate.safeParse({
      username: values.username,
      password: values.password,
      role: role ?? values.role,
      name: values.name,
      phone: values.phone || undefined,
      village: values.village || undefined,
      grids: values.grids
        ? values.grids
            .split(/[,，、;；]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
      superior: values.superior || undefined,
      wecomUserId: values.wecomUserId || undefined,
      department: values.department || undefined,
    });
    if (!input.success) {
      const issue = input.error.issues[0]!;
      const field = String(issue.path[0] ?? '');
      const column = ROSTER_COLUMNS[field as keyof typeof ROSTER_COLUMNS]?.[0] ?? field;
      const reason = field === 'role' ? `角色“${values.role ?? ''}”无效` : `${column}：${issue.message}`;
      report.rejected.push({ row, username: values.username, reason });
    } else {
      try {
        await createUser(townId, input.data);
        report.created++;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        report.rejected.push({ row, username: values.username, reason: e.message });
      }
    }
    onProgress?.(++done, rows.length);
    if (done % 100 === 0) await yieldToEventLoop();
  }
  return report;
}
