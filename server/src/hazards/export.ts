import ExcelJS from 'exceljs';
import { HAZARD_LEVEL_LABELS, HAZARD_SOURCE_LABELS, HAZARD_STATUS_LABELS } from '@yingji/shared';
import type { HazardOut } from '@yingji/shared';
import { formatLocal } from './rules';

/** The office's columns of the hazard list (隐患清单), in order. */
export const EXPORT_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '编号', width: 16 },
  { header: '隐患类别', width: 16 },
  { header: '隐患等级', width: 10 },
  { header: '所在村/社区', width: 14 },
  { header: '位置', width: 28 },
  { header: '隐患描述', width: 40 },
  { header: '来源', width: 10 },
  { header: '发现时间', width: 18 },
  { header: '责任单位', width: 24 },
  { header: '责任人', width: 12 },
  { header: '整改期限', width: 18 },
  { header: '整改状态', width: 10 },
  { header: '销号时间', width: 18 },
] as const;

const at = (iso?: string) => (iso ? formatLocal(new Date(iso)) : '');

/** The list as an .xlsx workbook; times in China time (Asia/Shanghai). */
export async function hazardWorkbook(items: HazardOut[], title: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '乡镇应急管理前台';
  const ws = wb.addWorksheet('隐患清单', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EXPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  ws.getRow(1).font = { bold: true };
  items.forEach((h, i) => {
    ws.addRow([
      i + 1,
      h.code,
      h.categoryLabel,
      HAZARD_LEVEL_LABELS[h.level],
      h.village?.name ?? '',
      h.location.address ?? `${h.location.lat.toFixed(5)}, ${h.location.lng.toFixed(5)}`,
      h.description,
      HAZARD_SOURCE_LABELS[h.source as keyof typeof HAZARD_SOURCE_LABELS] ?? h.source,
      at(h.discoveredAt),
      h.responsibleUnit ?? h.department,
      h.responsibleUser?.name ?? '',
      at(h.deadline),
      HAZARD_STATUS_LABELS[h.status] + (h.overdue && h.status !== 'closed' ? '（逾期）' : ''),
      at(h.closedAt),
    ]);
  });
  ws.getColumn(7).alignment = { wrapText: true, vertical: 'top' };
  wb.title = title;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
