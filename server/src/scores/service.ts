import ExcelJS from 'exceljs';
import type { Scores, UnitScore } from '@yingji/shared';
import type { Types } from 'mongoose';
import { CalloutModel, CalloutRecipientModel, recipientsOfAny } from '../callouts/callout.model';
import type { AppServices } from '../core/context';
import { DrillCheckinModel, DrillModel } from '../drills/model';
import { HazardModel } from '../hazards/hazard.model';
import { IncidentModel } from '../incidents/model';
import { oneHourFigure } from '../incidents/rules';
import { UserModel, VillageModel } from '../people/models';
import { loadTownConfig } from '../towns/config';
import { monthRange } from './month';
import { FIGURES, FIGURE_LABELS, median, rate, scoreOf, tally, type Figure, type Weights } from './rules';

/** What each figure counts; shown with the scores and in the export. */
export const SCORE_NOTES = [
  '叫应确认率：本月发布的预警（不含演练）中，该单位人员应答“收到”的人次 / 应叫应人次；确认用时为发布到应答的秒数。',
  '隐患按期整改销号率：整改期限在本月的隐患中，在期限内销号的 / 已销号或已过期限的（尚未到期且未销号的不计）。按隐患所在村和责任部门各计一次。',
  '演练到场率：本月开始的演练中，该单位参演人员签到人次 / 应参演人次；集结用时为开始到签到的秒数。',
  '事件信息一小时内上报率：本月发生的事件中，在时限内向上级报送的 / 已报送或已超时的（尚在时限内的不计）。只按村计。',
  '总分 = Σ（权重 × 比率）/ Σ 权重 × 100，只计本月有数据的项目；用时中位数仅供参考，不计分。',
];

interface Item {
  village?: string;
  department?: string;
}

/** Items of one unit: those of the village (by id) or of the department (by name). */
const ofUnit = <T extends Item>(items: T[], kind: 'village' | 'department', key: string) =>
  items.filter((i) => (kind === 'village' ? i.village === key : i.department === key));

const str = (v: unknown) => (v === null || v === undefined || v === '' ? undefined : String(v));

/**
 * The month's scores, computed from the records with simple queries (finds by town and time, then
 * grouping here): call-out recipients, hazards, drill participants and check-ins, incidents.
 */
export async function computeScores(services: AppServices, town: Types.ObjectId, month: string): Promise<Scores> {
  const { from, to } = monthRange(month);
  const now = services.clock.now();
  const config = await loadTownConfig(town);
  const weights = config.scoreWeights as Weights;

  const [villages, callouts, drills, hazards, incidents] = await Promise.all([
    VillageModel.find({ town }).sort({ code: 1 }).select('name code').lean(),
    CalloutModel.find({ town, exercise: false, issuedAt: { $gte: from, $lt: to } })
      .select('issuedAt')
      .lean(),
    DrillModel.find({ town, startedAt: { $gte: from, $lt: to } })
      .select('participants startedAt')
      .lean(),
    HazardModel.find({ town, deadline: { $gte: from, $lt: to } })
      .select('village department deadline closedAt closedOnTime')
      .lean(),
    IncidentModel.find({ town, occurredAt: { $gte: from, $lt: to } })
      .select('village dueAt reportedUpAt')
      .lean(),
  ]);
  const [recipients, checkins] = await Promise.all([
    callouts.length
      ? CalloutRecipientModel.find(recipientsOfAny(callouts.map((c) => c._id)))
          .select('callout user village acked ackAt')
          .lean()
      : [],
    drills.length
      ? DrillCheckinModel.find({ drill: { $in: drills.map((d) => d._id) } })
          .select('drill user seconds')
          .lean()
      : [],
  ]);
  const userIds = [
    ...new Set([...recipients.map((r) => String(r.user)), ...drills.flatMap((d) => d.participants.map(String))]),
  ];
  const users = userIds.length
    ? await UserModel.find({ _id: { $in: userIds } })
        .select('village department')
        .lean()
    : [];
  const userById = new Map(users.map((u) => [String(u._id), u]));

  const issuedAt = new Map(callouts.map((c) => [String(c._id), c.issuedAt]));
  const calls = recipients.map((r) => ({
    village: str(r.village) ?? str(userById.get(String(r.user))?.village),
    department: str(userById.get(String(r.user))?.department),
    acked: !!r.acked,
    seconds: r.acked && r.ackAt ? (r.ackAt.getTime() - issuedAt.get(String(r.callout))!.getTime()) / 1000 : undefined,
  }));
  const checkinOf = new Map(checkins.map((c) => [`${c.drill}:${c.user}`, c.seconds]));
  const attendance = drills.flatMap((d) =>
    d.participants.map((p) => ({
      village: str(userById.get(String(p))?.village),
      department: str(userById.get(String(p))?.department),
      seconds: checkinOf.get(`${d._id}:${p}`),
    })),
  );
  // Hazards not yet due and not closed are not rated yet.
  const dueHazards = hazards
    .filter((h) => h.closedAt || (h.deadline && h.deadline.getTime() <= now.getTime()))
    .map((h) => ({ village: str(h.village), department: str(h.department), onTime: h.closedOnTime === true }));
  const incidentItems = incidents.map((i) => ({
    village: str(i.village),
    dueAt: i.dueAt,
    reportedUpAt: i.reportedUpAt,
  }));

  const unitScore = (kind: 'village' | 'department', key: string, name: string): UnitScore => {
    const c = ofUnit(calls, kind, key);
    const a = ofUnit(attendance, kind, key);
    const figures: Record<(typeof FIGURES)[number], Figure | null> = {
      calloutConfirmation: tally(c, (x) => x.acked),
      hazardsOnTime: tally(ofUnit(dueHazards, kind, key), (h) => h.onTime),
      drillAttendance: tally(a, (x) => x.seconds !== undefined),
      incidentsWithinHour: null,
    };
    if (kind === 'village') {
      const f = oneHourFigure(ofUnit(incidentItems, kind, key), now);
      figures.incidentsWithinHour = { done: f.withinLimit, of: f.due };
    }
    const calloutMedianSeconds = median(c.flatMap((x) => (x.seconds === undefined ? [] : [x.seconds])));
    const drillMedianSeconds = median(a.flatMap((x) => (x.seconds === undefined ? [] : [x.seconds])));
    const { score, lines } = scoreOf(
      Object.fromEntries(Object.entries(figures).filter(([, f]) => f)) as never,
      weights,
      [
        { label: '叫应确认用时中位数', seconds: calloutMedianSeconds },
        { label: '演练集结用时中位数', seconds: drillMedianSeconds },
      ],
    );
    const out = (f: Figure | null) => (f ? { ...f, rate: rate(f) } : null);
    return {
      unit: { kind, id: kind === 'village' ? key : undefined, name },
      figures: {
        calloutConfirmation: out(figures.calloutConfirmation)!,
        hazardsOnTime: out(figures.hazardsOnTime)!,
        drillAttendance: out(figures.drillAttendance)!,
        incidentsWithinHour: out(figures.incidentsWithinHour),
      },
      calloutMedianSeconds,
      drillMedianSeconds,
      score,
      lines: kind === 'department' ? lines.filter((l) => !l.startsWith(FIGURE_LABELS.incidentsWithinHour.name)) : lines,
    };
  };

  const departments = [
    ...new Set([...calls, ...attendance, ...dueHazards].map((i) => i.department).filter((d): d is string => !!d)),
  ].sort((a, b) => a.localeCompare(b, 'zh'));
  return {
    month,
    weights,
    byVillage: villages.map((v) => unitScore('village', String(v._id), v.name)),
    byDepartment: departments.map((d) => unitScore('department', d, d)),
    notes: SCORE_NOTES,
  };
}

const pctCell = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);

/** The scores as an Excel workbook: one sheet per kind of unit, each line of the explanation kept. */
export async function scoresWorkbook(s: Scores): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [title, rows] of [
    ['村（社区）', s.byVillage],
    ['部门', s.byDepartment],
  ] as const) {
    const ws = wb.addWorksheet(title);
    ws.columns = [
      { header: '单位', key: 'unit', width: 16 },
      { header: '叫应确认率', key: 'c', width: 12 },
      { header: '确认用时中位数（秒）', key: 'cm', width: 12 },
      { header: '按期销号率', key: 'h', width: 12 },
      { header: '演练到场率', key: 'd', width: 12 },
      { header: '集结用时中位数（秒）', key: 'dm', width: 12 },
      { header: '一小时上报率', key: 'i', width: 12 },
      { header: '总分', key: 'score', width: 8 },
      { header: '计分说明', key: 'lines', width: 90 },
    ];
    ws.getRow(1).font = { bold: true };
    for (const u of rows) {
      const row = ws.addRow({
        unit: u.unit.name,
        c: pctCell(u.figures.calloutConfirmation.rate),
        cm: u.calloutMedianSeconds ?? '—',
        h: pctCell(u.figures.hazardsOnTime.rate),
        d: pctCell(u.figures.drillAttendance.rate),
        dm: u.drillMedianSeconds ?? '—',
        i: u.figures.incidentsWithinHour ? pctCell(u.figures.incidentsWithinHour.rate) : '不适用',
        score: u.score ?? '—',
        lines: u.lines.join('\n'),
      });
      row.getCell('lines').alignment = { wrapText: true, vertical: 'top' };
    }
  }
  const notes = wb.addWorksheet('说明');
  notes.addRow([`${s.month} 督查考核`]);
  notes.addRow([
    `权重：${Object.entries(s.weights)
      .map(([k, w]) => `${FIGURE_LABELS[k as keyof typeof FIGURE_LABELS]?.name ?? k} ${w} 分`)
      .join('，')}`,
  ]);
  for (const n of s.notes) notes.addRow([n]);
  notes.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
