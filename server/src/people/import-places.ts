import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import { AppError, type GeoJsonPolygon, type PlacesImportReport } from '@yingji/shared';
import type { Types } from 'mongoose';
import { audit, type Actor } from '../audit/service';
import type { AppServices } from '../core/context';
import type { Point } from '../tips/geo';
import { centerOf, overlaps, ringOf } from './geometry';
import { GridModel, VillageModel } from './models';

/**
 * Grids from a file: GeoJSON (a FeatureCollection of Polygons with `name` and `village`
 * properties), KML (Placemarks; the village from ExtendedData `village` or the enclosing Folder),
 * or Excel (one row per corner: 村/社区, 网格, 经度, 纬度). Every row is checked first; if any is
 * rejected nothing is imported and the report names each rejected row and its reason.
 */

export interface PlaceRow {
  /** Feature / Placemark number, or the first Excel row of the grid. */
  row: number;
  village: string;
  name: string;
  ring: [number, number][];
}
type Rejected = PlacesImportReport['rejected'][number];

const REASONS: Record<string, string> = {
  GRID_BOUNDARY_INVALID: '边界不是闭合的环（至少 3 个不同角点，首尾相同）',
  GRID_BOUNDARY_SELF_INTERSECTS: '边界自相交（边线交叉）',
};

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
const pick = (o: Record<string, unknown>, keys: string[]) => keys.map((k) => str(o[k])).find(Boolean) ?? '';
const NAME_KEYS = ['name', '网格', 'grid', '名称', '网格名称'];
const VILLAGE_KEYS = ['village', '村', '村/社区', '村（社区）', '社区'];

export function parseGeoJson(text: string): { rows: PlaceRow[]; rejected: Rejected[] } {
  let doc: { type?: string; features?: unknown[] };
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AppError('PLACES_IMPORT_INVALID', { message: '文件不是有效的 GeoJSON' });
  }
  const features = doc.type === 'FeatureCollection' ? (doc.features ?? []) : doc.type === 'Feature' ? [doc] : null;
  if (!features) throw new AppError('PLACES_IMPORT_INVALID', { message: 'GeoJSON 应为 FeatureCollection' });
  const rows: PlaceRow[] = [];
  const rejected: Rejected[] = [];
  features.forEach((f, i) => {
    const feature = f as { properties?: Record<string, unknown>; geometry?: { type?: string; coordinates?: unknown } };
    const props = feature.properties ?? {};
    const name = pick(props, NAME_KEYS);
    const village = pick(props, VILLAGE_KEYS);
    const row = i + 1;
    if (!name || !village) return rejected.push({ row, name, reason: '缺少网格名称（name）或所属村（village）' });
    if (feature.geometry?.type !== 'Polygon')
      return rejected.push({ row, name, reason: `几何类型应为 Polygon，而不是 ${feature.geometry?.type ?? '空'}` });
    const ring = (feature.geometry.coordinates as unknown[][] | undefined)?.[0];
    if (!Array.isArray(ring) || !ring.every(isPosition))
      return rejected.push({ row, name, reason: '坐标应为 [经度, 纬度] 数组' });
    rows.push({ row, village, name, ring: ring.map((p) => [p[0], p[1]]) });
  });
  return { rows, rejected };
}

function isPosition(p: unknown): p is [number, number] {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Math.abs(p[0]) <= 180 &&
    Math.abs(p[1]) <= 90
  );
}

export function parseKml(text: string): { rows: PlaceRow[]; rejected: Rejected[] } {
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, isArray: () => false });
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text);
  } catch {
    throw new AppError('PLACES_IMPORT_INVALID', { message: '文件不是有效的 KML' });
  }
  if (!doc.kml) throw new AppError('PLACES_IMPORT_INVALID', { message: '文件不是有效的 KML' });
  const placemarks: { pm: Record<string, unknown>; folder: string }[] = [];
  const walk = (node: unknown, folder: string) => {
    if (!node || typeof node !== 'object') return;
    for (const item of Array.isArray(node) ? node : [node]) {
      const o = item as Record<string, unknown>;
      const here = o.Folder !== undefined ? undefined : folder;
      for (const pm of [o.Placemark].flat().filter(Boolean))
        placemarks.push({ pm: pm as Record<string, unknown>, folder });
      for (const f of [o.Folder].flat().filter(Boolean)) walk(f, str((f as Record<string, unknown>).name) || folder);
      if (o.Document) walk(o.Document, here ?? folder);
    }
  };
  walk(doc.kml, '');
  const rows: PlaceRow[] = [];
  const rejected: Rejected[] = [];
  placemarks.forEach(({ pm, folder }, i) => {
    const row = i + 1;
    const name = str(pm.name);
    const data = [((pm.ExtendedData as Record<string, unknown> | undefined)?.Data as unknown) ?? []].flat() as Record<
      string,
      unknown
    >[];
    const village =
      data.map((d) => (VILLAGE_KEYS.includes(str(d['@_name'])) ? str(d.value) : '')).find(Boolean) || folder;
    if (!name || !village)
      return rejected.push({ row, name, reason: '缺少网格名称或所属村（Folder 或 village 字段）' });
    const poly = pm.Polygon as Record<string, unknown> | undefined;
    const coords = str(
      (
        (poly?.outerBoundaryIs as Record<string, unknown> | undefined)?.LinearRing as
          Record<string, unknown> | undefined
      )?.coordinates,
    );
    if (!coords) return rejected.push({ row, name, reason: '没有 Polygon 外边界坐标' });
    const ring = coords.split(/\s+/).map((t) => t.split(',').map(Number));
    if (!ring.every((p) => isPosition(p))) return rejected.push({ row, name, reason: '坐标应为“经度,纬度”' });
    rows.push({ row, village, name, ring: ring.map((p) => [p[0]!, p[1]!]) });
  });
  return { rows, rejected };
}

/** Excel of corners: a header row with 村/社区, 网格, 经度, 纬度; consecutive rows of one grid in order. */
export async function parseExcel(buf: Buffer): Promise<{ rows: PlaceRow[]; rejected: Rejected[] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new AppError('PLACES_IMPORT_INVALID', { message: '文件不是有效的 Excel（.xlsx）' });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('PLACES_IMPORT_INVALID', { message: 'Excel 没有工作表' });
  const header = (ws.getRow(1).values as unknown[]).map(str);
  const col = (names: string[]) => header.findIndex((h) => names.includes(h));
  const [cv, cg, clng, clat] = [col(VILLAGE_KEYS), col(NAME_KEYS), col(['经度', 'lng', 'lon']), col(['纬度', 'lat'])];
  if ([cv, cg, clng, clat].some((c) => c < 0))
    throw new AppError('PLACES_IMPORT_INVALID', { message: 'Excel 第一行应有列：村/社区、网格、经度、纬度' });
  const byGrid = new Map<string, { row: number; village: string; name: string; ring: [number, number][] }>();
  const badGrids = new Set<string>();
  const rejected: Rejected[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const values = ws.getRow(r).values as unknown[];
    if (!values || values.every((v) => str(v) === '')) continue;
    const village = str(values[cv]);
    const name = str(values[cg]);
    const lng = Number(str(values[clng]));
    const lat = Number(str(values[clat]));
    if (!village || !name) {
      rejected.push({ row: r, name, reason: '缺少村/社区或网格名称' });
      continue;
    }
    const key = `${village}\u0000${name}`;
    if (!str(values[clng]) || !str(values[clat]) || !isPosition([lng, lat])) {
      rejected.push({ row: r, name, reason: '经度或纬度不是有效数字（经度 -180~180，纬度 -90~90）' });
      badGrids.add(key);
      continue;
    }
    const g = byGrid.get(key) ?? { row: r, village, name, ring: [] };
    g.ring.push([lng, lat]);
    byGrid.set(key, g);
  }
  const rows: PlaceRow[] = [];
  for (const [key, g] of byGrid) {
    if (badGrids.has(key)) continue; // its bad row is reported already
    const first = g.ring[0]!;
    const last = g.ring[g.ring.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) g.ring.push([first[0], first[1]]); // a table lists corners once
    rows.push(g);
  }
  return { rows, rejected };
}

export async function parsePlaces(format: 'geojson' | 'kml' | 'xlsx', content: string | Buffer) {
  if (format === 'xlsx') return parseExcel(Buffer.isBuffer(content) ? content : Buffer.from(content, 'base64'));
  const text = Buffer.isBuffer(content) ? content.toString('utf8') : content;
  return format === 'kml' ? parseKml(text) : parseGeoJson(text);
}

/**
 * Check every parsed grid (ring, overlap with the town's grids and with each other, names), then
 * create the missing villages and the grids. Nothing is written when any row is rejected; if a
 * write fails half-way, what this import created is removed again.
 */
export async function importPlaces(
  services: Pick<AppServices, 'clock'>,
  caller: Actor & { town: Types.ObjectId },
  parsed: { rows: PlaceRow[]; rejected: Rejected[] },
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<PlacesImportReport> {
  const town = caller.town;
  const rejected = [...parsed.rejected];
  const total = parsed.rows.length + parsed.rejected.length;
  const [existing, villages] = await Promise.all([
    GridModel.find({ town, active: { $ne: false } })
      .select('name area')
      .lean(),
    VillageModel.find({ town }).lean(),
  ]);
  const accepted: (PlaceRow & { area: Point[] })[] = [];
  const names = new Set(existing.map((g) => g.name));
  parsed.rows.forEach((row, i) => {
    onProgress(i + 1, parsed.rows.length * 2);
    const ring = ringOf({ type: 'Polygon', coordinates: [row.ring] } as GeoJsonPolygon);
    if ('problem' in ring) return rejected.push({ row: row.row, name: row.name, reason: REASONS[ring.problem]! });
    if (names.has(row.name)) return rejected.push({ row: row.row, name: row.name, reason: '已有同名网格' });
    const v = villages.find((x) => x.name === row.village);
    if (v && v.active === false) return rejected.push({ row: row.row, name: row.name, reason: '所属村已撤销' });
    const clash = [
      ...existing.map((g) => ({ name: g.name, area: (g.area ?? []) as Point[] })),
      ...accepted.map((a) => ({ name: a.name, area: a.area })),
    ].find((g) => overlaps(ring.area, g.area));
    if (clash) return rejected.push({ row: row.row, name: row.name, reason: `与网格“${clash.name}”重叠` });
    names.add(row.name);
    accepted.push({ ...row, area: ring.area });
  });
  rejected.sort((a, b) => a.row - b.row);
  if (rejected.length) return { total, created: 0, villagesCreated: 0, rejected };

  const createdVillages: Types.ObjectId[] = [];
  const createdGrids: Types.ObjectId[] = [];
  try {
    const villageIds = new Map(villages.map((v) => [v.name, v]));
    for (const [i, row] of accepted.entries()) {
      let v = villageIds.get(row.village);
      if (!v) {
        const code = `V${String(villageIds.size + 1).padStart(2, '0')}`;
        const made = await VillageModel.create({ town, name: row.village, code: await freeVillageCode(town, code) });
        createdVillages.push(made._id);
        v = made.toObject();
        villageIds.set(row.village, v);
      }
      const code = await freeGridCode(town, v!.code);
      const g = await GridModel.create({
        town,
        village: v!._id,
        code,
        name: row.name,
        area: row.area,
        center: centerOf(row.area),
      });
      createdGrids.push(g._id);
      onProgress(accepted.length + i + 1, accepted.length * 2);
    }
  } catch (e) {
    await GridModel.deleteMany({ _id: { $in: createdGrids } });
    await VillageModel.deleteMany({ _id: { $in: createdVillages } });
    throw e;
  }
  await audit(services, town, caller, 'places.import', {
    after: { grids: accepted.map((a) => a.name), villagesCreated: createdVillages.length },
  });
  return { total, created: createdGrids.length, villagesCreated: createdVillages.length, rejected: [] };
}

async function freeVillageCode(town: Types.ObjectId, first: string) {
  if (!(await VillageModel.exists({ town, code: first }))) return first;
  for (let n = 1; ; n++) {
    const c = `V${String(n).padStart(2, '0')}`;
    if (!(await VillageModel.exists({ town, code: c }))) return c;
  }
}

async function freeGridCode(town: Types.ObjectId, villageCode: string) {
  for (let n = 1; ; n++) {
    const c = `${villageCode}-${String(n).padStart(2, '0')}`;
    if (!(await GridModel.exists({ town, code: c }))) return c;
  }
}
