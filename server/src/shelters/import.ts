import { HazardPointCreate, ShelterCreate } from '@yingji/shared';
import type { Types } from 'mongoose';
import type { z } from 'zod';
import { readSheetRows, yieldToEventLoop } from '../core/sheet';
import { GridModel, VillageModel } from '../people/models';
import { HazardPointModel, ShelterModel } from './model';
import { gridAt } from './service';

/**
 * Import of shelters and of hazard points with their transfer plans from the office's Excel
 * sheets. Columns are found by their Chinese header, in any order. A row with a code updates the
 * entry of that code (else the one of that name), otherwise a new one is created; transfer
 * reports are never touched. A bad row is reported with its number and reason and
 * never stops the rows after it.
 */
export const SHELTER_COLUMNS = {
  code: ['编号', '场所编号'],
  name: ['名称', '场所名称', '避难场所'],
  address: ['地址', '详细地址'],
  lat: ['纬度'],
  lng: ['经度'],
  capacity: ['容纳人数', '可容纳人数', '容量'],
  contactName: ['联系人', '负责人'],
  contactPhone: ['联系电话', '电话'],
  facilities: ['设施', '配套设施'],
  open: ['是否开放', '开放'],
  village: ['村/社区', '村（社区）', '所在村'],
} as const;

export const HAZARD_POINT_COLUMNS = {
  code: ['编号', '隐患点编号'],
  name: ['名称', '隐患点名称', '隐患点'],
  kind: ['类型', '隐患类型'],
  lat: ['纬度'],
  lng: ['经度'],
  grid: ['网格'],
  village: ['村/社区', '村（社区）', '所在村'],
  trigger: ['转移条件', '何时转', '启动条件'],
  residents: ['转移人数', '人数', '转移谁'],
  households: ['户数', '转移户数'],
  organiserName: ['组织人', '谁组织', '责任人'],
  organiserPhone: ['组织人电话', '责任人电话'],
  shelter: ['避难场所', '转到哪', '安置点'],
  management: ['管理措施', '如何管'],
} as const;

export interface ImportRejection {
  row: number;
  name?: string;
  reason: string;
}
export interface ImportReport {
  total: number;
  created: number;
  updated: number;
  rejected: ImportRejection[];
}

type Progress = (done: number, total: number) => void;

/** The rows of the first sheet as { column key → text }, streamed, at most `maxRows` (IMPORT_MAX_ROWS). */
export function readSheet<K extends string>(
  file: string | Buffer,
  columns: Record<K, readonly string[]>,
  maxRows?: number,
) {
  return readSheetRows(file, columns, maxRows);
}

const num = (s?: string) => (s ? Number(s.replace(/[,，\s]/g, '')) : undefined);
const list = (s?: string) =>
  s
    ? s
        .split(/[,，、;；]/)
        .map((x) => x.trim())
        .filter(Boolean)
    : undefined;
const yes = (s?: string) => (s ? !/^(否|不|关闭|no|false|0)/i.test(s) : undefined);
const contact = (name?: string, phone?: string) =>
  name || phone ? { name: name || undefined, phone: phone || undefined } : undefined;

function reasonOf(error: z.ZodError, columns: Record<string, readonly string[]>): string {
  const issue = error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const column = columns[field]?.[0] ?? (field === 'location' ? '经纬度' : field);
  return `${column}：${issue.message}`;
}

async function lookups(town: Types.ObjectId) {
  const [villages, grids, shelters] = await Promise.all([
    VillageModel.find({ town }).select('code name').lean(),
    GridModel.find({ town }).select('code name village').lean(),
    ShelterModel.find({ town }).select('code name').lean(),
  ]);
  const find = <T extends { code?: string | null; name: string }>(xs: T[], key?: string) =>
    key ? xs.find((x) => x.code === key || x.name === key) : undefined;
  return {
    village: (k?: string) => find(villages, k),
    grid: (k?: string) => find(grids, k),
    shelter: (k?: string) => find(shelters, k),
  };
}

export async function importShelters(
  town: Types.ObjectId,
  file: string | Buffer,
  onProgress?: Progress,
  maxRows?: number,
) {
  const rows = await readSheet(file, SHELTER_COLUMNS, maxRows);
  const report: ImportReport = { total: rows.length, created: 0, updated: 0, rejected: [] };
  const find = await lookups(town);
  let done = 0;
  for (const { row, values: v } of rows) {
    const village = find.village(v.village);
    const lat = num(v.lat);
    const lng = num(v.lng);
    const parsed = ShelterCreate.safeParse({
      code: v.code || undefined,
      name: v.name,
      address: v.address || undefined,
      location: lat === undefined && lng === undefined ? undefined : { lat, lng },
      capacity: num(v.capacity),
      contact: contact(v.contactName, v.contactPhone),
      facilities: list(v.facilities),
      open: yes(v.open),
    });
    if (v.village && !village) report.rejected.push({ row, name: v.name, reason: `找不到村（社区）“${v.village}”` });
    else if (!parsed.success)
      report.rejected.push({ row, name: v.name, reason: reasonOf(parsed.error, SHELTER_COLUMNS) });
    else {
      const data = { ...parsed.data, village: village?._id };
      const existing = await ShelterModel.findOne(data.code ? { town, code: data.code } : { town, name: data.name });
      if (existing) {
        await ShelterModel.updateOne({ _id: existing._id }, { $set: data });
        report.updated++;
      } else {
        await ShelterModel.create({ ...data, town });
        report.created++;
      }
    }
    onProgress?.(++done, rows.length);
    if (done % 100 === 0) await yieldToEventLoop();
  }
  return report;
}

export async function importHazardPoints(
  town: Types.ObjectId,
  file: string | Buffer,
  onProgress?: Progress,
  maxRows?: number,
) {
  const rows = await readSheet(file, HAZARD_POINT_COLUMNS, maxRows);
  const report: ImportReport = { total: rows.length, created: 0, updated: 0, rejected: [] };
  const find = await lookups(town);
  let done = 0;
  for (const { row, values: v } of rows) {
    const reject = (reason: string) => report.rejected.push({ row, name: v.name, reason });
    const lat = num(v.lat);
    const lng = num(v.lng);
    const parsed = HazardPointCreate.safeParse({
      code: v.code || undefined,
      name: v.name,
      kind: v.kind || undefined,
      location: lat === undefined && lng === undefined ? undefined : { lat, lng },
      trigger: v.trigger || undefined,
      residents: num(v.residents),
      households: num(v.households),
      organiser: contact(v.organiserName, v.organiserPhone),
      management: v.management || undefined,
    });
    let grid = find.grid(v.grid);
    const village = find.village(v.village);
    const shelter = find.shelter(v.shelter);
    if (v.grid && !grid) reject(`找不到网格“${v.grid}”`);
    else if (v.village && !village) reject(`找不到村（社区）“${v.village}”`);
    else if (v.shelter && !shelter) reject(`找不到避难场所“${v.shelter}”（请先导入避难场所）`);
    else if (!parsed.success) reject(reasonOf(parsed.error, HAZARD_POINT_COLUMNS));
    else {
      if (!grid && parsed.data.location) grid = await gridAt(town, parsed.data.location);
      const data = {
        ...parsed.data,
        grid: grid?._id,
        village: village?._id ?? grid?.village,
        shelter: shelter?._id,
      };
      const existing = await HazardPointModel.findOne(
        data.code ? { town, code: data.code } : { town, name: data.name },
      );
      if (existing) {
        await HazardPointModel.updateOne({ _id: existing._id }, { $set: data });
        report.updated++;
      } else {
        await HazardPointModel.create({ ...data, town });
        report.created++;
      }
    }
    onProgress?.(++done, rows.length);
    if (done % 100 === 0) await yieldToEventLoop();
  }
  return report;
}
