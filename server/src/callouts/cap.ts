import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { AppError, type CalloutCreate } from '@yingji/shared';
import type { Types } from 'mongoose';
import { validateXML } from 'xmllint-wasm';
import { GridModel, TownModel, VillageModel } from '../people/models';
import type { CalloutLean } from './service';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol): a call-out exported as an alert, and an incoming
 * alert turned into a call-out. Incoming XML is validated against the CAP 1.2 schema (xmllint
 * compiled to WebAssembly: no network, no file system) before anything is read from it.
 */
export const CAP_NS = 'urn:oasis:names:tc:emergency:cap:1.2';
const XSD = fs.readFileSync(path.join(__dirname, 'cap-v1.2.xsd'), 'utf8');

const SEVERITY: Record<string, string> = { red: 'Extreme', orange: 'Severe', yellow: 'Moderate', blue: 'Minor' };
const URGENCY: Record<string, string> = { red: 'Immediate', orange: 'Expected', yellow: 'Expected', blue: 'Future' };
const LEVEL_BY_SEVERITY: Record<string, CalloutCreate['level']> = {
  Extreme: 'red',
  Severe: 'orange',
  Moderate: 'yellow',
  Minor: 'blue',
};

/** CAP times: YYYY-MM-DDThh:mm:ss+08:00 (no fractions, no "Z"), in Asia/Shanghai. */
export function capTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: string | undefined) => (value ? `<${name}>${esc(value)}</${name}>` : '');

function category(event: string): string {
  if (/汛|雨|洪|旱|风|雪|冰|雷|台风|气象/.test(event)) return 'Met';
  if (/地震|地灾|滑坡|崩塌|泥石流|危岩/.test(event)) return 'Geo';
  if (/火/.test(event)) return 'Fire';
  if (/化学|危化|爆炸/.test(event)) return 'CBRNE';
  if (/交通|道路/.test(event)) return 'Transport';
  return 'Safety';
}

/** The call-out as a CAP 1.2 alert. Exercises carry status `Exercise`. */
export async function calloutToCap(c: CalloutLean): Promise<string> {
  const [town, villages, grids] = await Promise.all([
    TownModel.findById(c.town).lean(),
    VillageModel.find({ _id: { $in: c.area.villages } }).lean(),
    GridModel.find({ _id: { $in: c.area.grids } }).lean(),
  ]);
  const townCode = town?.code ?? 'TOWN';
  const event = c.event ?? c.title;
  const areas: string[] = [];
  if (villages.length === 0 && grids.length === 0) {
    areas.push(`<area>${el('areaDesc', town?.name ?? townCode)}${geocode('yingji:town', townCode)}</area>`);
  }
  for (const v of villages) areas.push(`<area>${el('areaDesc', v.name)}${geocode('yingji:village', v.code)}</area>`);
  for (const g of grids) {
    const ring = g.area.length >= 3 ? [...g.area, g.area[0]!] : [];
    const polygon = ring.length >= 4 ? el('polygon', ring.map((p) => `${p.lat},${p.lng}`).join(' ')) : '';
    areas.push(`<area>${el('areaDesc', g.name)}${polygon}${geocode('yingji:grid', g.code)}</area>`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NS}">`,
    el('identifier', `${townCode}-callout-${String(c._id)}`),
    el('sender', `office@${townCode.toLowerCase()}.yingji`),
    el('sent', capTime(c.issuedAt)),
    el('status', c.exercise ? 'Exercise' : 'Actual'),
    el('msgType', 'Alert'),
    el('scope', 'Public'),
    '<info>',
    el('language', 'zh-CN'),
    el('category', category(event)),
    el('event', event),
    el('urgency', URGENCY[c.level]!),
    el('severity', SEVERITY[c.level]!),
    el('certainty', 'Likely'),
    c.expiresAt ? el('expires', capTime(c.expiresAt)) : '',
    el('senderName', `${town?.name ?? ''}应急办`),
    el('headline', c.title),
    el('description', c.body),
    `<parameter>${el('valueName', 'yingji:level')}${el('value', c.level)}</parameter>`,
    `<parameter>${el('valueName', 'yingji:ackMinutes')}${el('value', String(c.ackMinutes))}</parameter>`,
    ...areas,
    '</info>',
    '</alert>',
  ].join('\n');
}

function geocode(name: string, value: string) {
  return `<geocode>${el('valueName', name)}${el('value', value)}</geocode>`;
}

/** Validate against the CAP 1.2 schema; the problems, or an empty list. */
export async function capProblems(xml: string): Promise<string[]> {
  // CAP has no DTD; a DOCTYPE could only be an entity trick.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return ['不允许 DOCTYPE 或实体声明'];
  const r = await validateXML({
    xml: [{ fileName: 'alert.xml', contents: xml }],
    schema: [{ fileName: 'cap-v1.2.xsd', contents: XSD }],
  });
  return r.valid ? [] : r.errors.map((e) => e.message).slice(0, 10);
}

type Node = Record<string, unknown>;
const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/**
 * An incoming CAP alert as the input of a new call-out in `town`. Refuses what is not valid CAP
 * 1.2, what is not an actual or exercise alert/update, and areas that match nothing of the town.
 */
export async function capToCallout(
  town: Types.ObjectId,
  xml: string,
): Promise<{ input: CalloutCreate; cap: { sender: string; identifier: string; sent: string } }> {
  const problems = await capProblems(xml);
  if (problems.length) throw new AppError('CAP_INVALID', { details: { problems } });
  const doc = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    isArray: (name) => ['info', 'area', 'parameter', 'geocode', 'polygon', 'category', 'eventCode'].includes(name),
  }).parse(xml) as { alert: Node };
  const alert = doc.alert;
  const status = str(alert.status);
  if (status !== 'Actual' && status !== 'Exercise') throw new AppError('CAP_STATUS_UNSUPPORTED');
  const msgType = str(alert.msgType);
  if (msgType !== 'Alert' && msgType !== 'Update') throw new AppError('CAP_MSGTYPE_UNSUPPORTED');
  const infos = arr(alert.info as Node[]);
  const info = infos.find((i) => /^zh/i.test(str(i.language) ?? '')) ?? infos[0];
  if (!info) throw new AppError('CAP_INVALID', { details: { problems: ['缺少 info'] } });

  const params = new Map(arr(info.parameter as Node[]).map((p) => [str(p.valueName), str(p.value)]));
  const level =
    (params.get('yingji:level') as CalloutCreate['level'] | undefined) ??
    LEVEL_BY_SEVERITY[str(info.severity) ?? ''] ??
    'blue';
  const ack = Number(params.get('yingji:ackMinutes'));

  const [villages, grids] = await Promise.all([
    VillageModel.find({ town }).select('code name').lean(),
    GridModel.find({ town }).select('code name center').lean(),
  ]);
  const area = { villages: new Set<string>(), grids: new Set<string>() };
  let wholeTown = false;
  const areaNodes = arr(info.area as Node[]);
  for (const a of areaNodes) {
    let matched = false;
    for (const g of arr(a.geocode as Node[])) {
      const name = str(g.valueName);
      const value = str(g.value) ?? '';
      if (name === 'yingji:town') matched = wholeTown = true;
      if (name === 'yingji:village' && villages.some((v) => v.code === value)) matched = !!area.villages.add(value);
      if (name === 'yingji:grid' && grids.some((x) => x.code === value)) matched = !!area.grids.add(value);
    }
    if (matched) continue;
    const desc = str(a.areaDesc) ?? '';
    for (const v of villages) if (desc.includes(v.name)) matched = !!area.villages.add(v.code);
    for (const g of grids) if (desc.includes(g.name)) matched = !!area.grids.add(g.code);
    for (const poly of arr(a.polygon as unknown[]).map(String)) {
      const ring = poly
        .trim()
        .split(/\s+/)
        .map((p) => p.split(',').map(Number) as [number, number]);
      for (const g of grids)
        if (
          typeof g.center?.lat === 'number' &&
          typeof g.center?.lng === 'number' &&
          inRing(g.center.lat, g.center.lng, ring)
        )
          matched = !!area.grids.add(g.code);
    }
    if (!matched) throw new AppError('CAP_AREA_UNMATCHED', { details: { areaDesc: desc } });
  }
  const description = [str(info.description), str(info.instruction)].filter(Boolean).join('\n');
  const expires = str(info.expires);
  return {
    input: {
      title: (str(info.headline) ?? str(info.event) ?? '预警').slice(0, 100),
      level,
      body: description.slice(0, 2000),
      event: str(info.event)?.slice(0, 100),
      ...(wholeTown || areaNodes.length === 0
        ? {}
        : { area: { villages: [...area.villages], grids: [...area.grids] } }),
      ...(Number.isInteger(ack) && ack > 0 ? { ackMinutes: ack } : {}),
      exercise: status === 'Exercise',
      ...(expires ? { expiresAt: expires } : {}),
    },
    cap: { sender: str(alert.sender)!, identifier: str(alert.identifier)!, sent: str(alert.sent)! },
  };
}

/** Point in polygon (ray casting) on lat/lng pairs. */
function inRing(lat: number, lng: number, ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [yi, xi] = ring[i]!;
    const [yj, xj] = ring[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
