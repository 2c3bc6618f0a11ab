import { AppError, ROLE_LABELS, ROLES, UserCreate, type Role } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { Caller } from '../core/context';
import { readSheetRows, yieldToEventLoop } from '../core/sheet';
import { UserModel } from './models';
import { createUser } from './service';
import { mayAssignRole } from './staff';

/**
 * Roster import from the office's Excel sheet. Columns are found by their Chinese header, in any
 * order. Each row is validated and created on its own; a bad row is reported with its number and
 * reason, and never stops the rows after it (see `atomic` for the console's all-or-nothing import).
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
  /** Rows already in the town (same username and name): left unchanged. */
  existing: number;
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

/** One row as UserCreate, or the Chinese reason it cannot be one. */
function rosterInput(values: Partial<Record<keyof typeof ROSTER_COLUMNS, string>>) {
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
  if (input.success) return { input: input.data };
  const issue = input.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const column = ROSTER_COLUMNS[field as keyof typeof ROSTER_COLUMNS]?.[0] ?? field;
  return { reason: field === 'role' ? `角色“${values.role ?? ''}”无效` : `${column}：${issue.message}` };
}

export interface RosterImportOptions {
  /**
   * All or nothing (the console): when any row is rejected, the people this import created are
   * removed again and the report says what to fix. Without it (the command line) the good rows stay.
   */
  atomic?: boolean;
  /** Who imports (the console): a row may only give a role they may give (an office makes no admins). */
  assignedBy?: Caller;
}

/**
 * Import a roster into a town. A row whose username already belongs to a person of this town
 * with the same name is that person: left as it is and counted as existing, so importing the
 * same file again changes nothing. Edits to people are made in the console, not by re-import.
 */
export async function importRoster(
  townId: Types.ObjectId,
  file: string | Buffer,
  onProgress?: (done: number, total: number) => void,
  maxRows?: number,
  opts: RosterImportOptions = {},
): Promise<RosterReport> {
  const rows = await readRoster(file, maxRows);
  const report: RosterReport = { total: rows.length, created: 0, existing: 0, rejected: [] };
  const created: Types.ObjectId[] = [];
  let done = 0;
  try {
    for (const { row, values } of rows) {
      const parsed = rosterInput(values);
      const reject = (reason: string) => report.rejected.push({ row, username: values.username, reason });
      if (parsed.reason !== undefined) reject(parsed.reason);
      else if (opts.assignedBy && !mayAssignRole(opts.assignedBy, parsed.input.role))
        reject(`角色“${values.role ?? ''}”只能由系统管理员添加`);
      else if (await alreadyThere(townId, parsed.input)) report.existing++;
      else {
        try {
          created.push((await createUser(townId, parsed.input))._id);
          report.created++;
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          reject(e.message);
        }
      }
      onProgress?.(++done, rows.length);
      if (done % 100 === 0) await yieldToEventLoop();
    }
  } catch (e) {
    if (opts.atomic) await UserModel.deleteMany({ _id: { $in: created } });
    throw e;
  }
  if (opts.atomic && report.rejected.length) {
    await UserModel.deleteMany({ _id: { $in: created } });
    report.created = 0;
  }
  return report;
}

async function alreadyThere(townId: Types.ObjectId, input: UserCreate): Promise<boolean> {
  return !!(await UserModel.exists({ town: townId, username: input.username, name: input.name }));
}
