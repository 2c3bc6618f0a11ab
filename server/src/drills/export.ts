import ExcelJS from 'exceljs';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import type { DrillReport } from '@yingji/shared';
import { CHECKIN_CHANNEL_LABELS } from './model';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Times are stored in UTC and shown in Asia/Shanghai. */
export const shanghai = (iso?: string | Date) =>
  iso ? dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm:ss') : '';

const yesNo = (b?: boolean) => (b === undefined ? '' : b ? '是' : '否');

/** The drill report as an Excel workbook: the roll call, then the summary by village. */
export async function drillReportWorkbook(report: DrillReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const roll = wb.addWorksheet('签到明细');
  roll.columns = [
    { header: '姓名', key: 'name', width: 16 },
    { header: '村（社区）', key: 'village', width: 14 },
    { header: '是否到达', key: 'present', width: 10 },
    { header: '签到时间', key: 'at', width: 20 },
    { header: '集结用时（秒）', key: 'seconds', width: 14 },
    { header: '签到方式', key: 'channel', width: 12 },
    { header: '超出集结范围', key: 'outside', width: 14 },
    { header: '超时', key: 'late', width: 8 },
  ];
  for (const p of report.participants)
    roll.addRow({
      name: p.name,
      village: p.villageName ?? '',
      present: p.checkedInAt ? '到达' : '未到',
      at: shanghai(p.checkedInAt),
      seconds: p.seconds ?? '',
      channel: p.channel ? (CHECKIN_CHANNEL_LABELS[p.channel] ?? p.channel) : '',
      outside: yesNo(p.outsideArea),
      late: yesNo(p.late),
    });
  const sum = wb.addWorksheet('汇总');
  sum.addRow([`演练：${report.drill.title}`]);
  sum.addRow([`开始：${shanghai(report.drill.startedAt)}`, `结束：${shanghai(report.drill.endedAt)}`]);
  sum.addRow([]);
  sum.addRow(['单位', '应到', '实到', '未到', '集结用时中位数（秒）', '最长用时（秒）', '超时', '超出范围']);
  const line = (name: string, s: DrillReport['summary']) =>
    sum.addRow([name, s.total, s.present, s.absent, s.medianSeconds ?? '', s.maxSeconds ?? '', s.late, s.outsideArea]);
  for (const v of report.byVillage) line(v.name, v);
  line('合计', report.summary);
  for (const ws of [roll, sum]) ws.getRow(ws === roll ? 1 : 4).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
