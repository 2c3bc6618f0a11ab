import { ROLE_LABELS, categoryLabel, type Role } from '@yingji/shared';
import { ruleChanges } from './rule-diff';
import { isObject, short, type Change } from './values';
import {
  CHOICE_WORDS,
  KIND_WORDS,
  LIST_WORDS,
  NUMBER_WORDS,
  PATH_ALIASES,
  SECTION_WORDS,
  VALUE_WORDS,
  WECOM_SECRETS,
  WECOM_WORDS,
} from './settings-words';

const UNSET = '（未设置）';
const missing = (v: unknown) => v === undefined || v === null || v === '';
const keysOf = (...xs: unknown[]) => [...new Set(xs.flatMap((x) => (isObject(x) ? Object.keys(x) : [])))];
const at = (o: unknown, k: string) => (isObject(o) ? o[k] : undefined);

/** One line, unless the two sides read the same (a value left empty and one not there, say). */
function push(out: Change[], key: string, before: string, after: string): void {
  if (before !== after) out.push({ key, before, after });
}

/** A path no words cover: the section's name and the rest of the path, a short value. */
function fallbackLabel(path: string): string {
  const [head, ...rest] = path.split('.');
  const section = SECTION_WORDS[head!];
  return section ? [section, ...rest].join('·') : path;
}

const roleWords = (r: unknown) => ROLE_LABELS[r as Role] ?? short(r);

/** A list of the settings: roles read whole (群众 → 群众、网格员), a word list as what was added and taken out. */
function listLine(out: Change[], path: string, x: unknown, y: unknown): void {
  const w = LIST_WORDS[path]!;
  const a = Array.isArray(x) ? x : [];
  const b = Array.isArray(y) ? y : [];
  if (w.role) {
    const read = (l: unknown[]) => (l.length ? l.map(roleWords).join('、') : '（无）');
    return push(out, w.label, read(a), read(b));
  }
  const added = b.filter((v) => !a.includes(v));
  const removed = a.filter((v) => !b.includes(v));
  const parts = [added.length ? `新增 ${short(added)}` : '', removed.length ? `删除 ${short(removed)}` : ''];
  if (added.length || removed.length) out.push({ key: w.label, after: parts.filter(Boolean).join('；') });
}

/** A leaf of the settings, named by the settings page when it can be. */
function leaf(out: Change[], path: string, x: unknown, y: unknown): void {
  const num = NUMBER_WORDS[path];
  if (num) {
    const read = (v: unknown) => (missing(v) ? UNSET : `${short(v)}${num.unit ? ` ${num.unit}` : ''}`);
    return push(out, num.label, read(x), read(y));
  }
  const choice = CHOICE_WORDS[path];
  if (choice) {
    const read = (v: unknown) => (missing(v) ? UNSET : (choice.values[String(v)] ?? short(v)));
    return push(out, choice.label, read(x), read(y));
  }
  if (LIST_WORDS[path]) return listLine(out, path, x, y);
  push(out, fallbackLabel(path), short(x), short(y));
}

/** Walks both sides together down to the leaves (a list is a leaf). */
function walk(out: Change[], path: string, x: unknown, y: unknown): void {
  if (path === 'rewards.rules') return void out.push(...ruleChanges(x, y));
  if (isObject(x) || isObject(y)) {
    for (const k of keysOf(x, y)) walk(out, `${path}.${k}`, at(x, k), at(y, k));
    return;
  }
  if (JSON.stringify(x) !== JSON.stringify(y)) leaf(out, path, x, y);
}

/** 部门分派·消防：（默认）→ 镇消防所. */
function departments(out: Change[], x: unknown, y: unknown): void {
  for (const c of keysOf(x, y)) {
    const read = (v: unknown) => (missing(v) ? '（默认）' : short(v));
    push(out, `部门分派·${categoryLabel(c)}`, read(at(x, c)), read(at(y, c)));
  }
}

/** 订阅消息模板·举报处理进度·模板 ID / ·关键词 thing1, what fills each keyword in the form's words. */
function templates(out: Change[], x: unknown, y: unknown): void {
  for (const kind of keysOf(x, y)) {
    const name = `订阅消息模板·${KIND_WORDS[kind] ?? kind}`;
    const tx = at(x, kind);
    const ty = at(y, kind);
    const id = (v: unknown) => (missing(v) ? '（不发送）' : short(v));
    push(out, `${name}·模板 ID`, id(at(tx, 'templateId')), id(at(ty, 'templateId')));
    const fx = at(tx, 'fields');
    const fy = at(ty, 'fields');
    const source = (v: unknown) =>
      missing(v)
        ? '（无）'
        : isObject(v)
          ? `固定文字“${short(v.text, 30)}”`
          : (VALUE_WORDS[kind]?.[String(v)] ?? short(v));
    for (const k of keysOf(fx, fy)) push(out, `${name}·关键词 ${k}`, source(at(fx, k)), source(at(fy, k)));
    for (const k of keysOf(tx, ty))
      if (k !== 'templateId' && k !== 'fields') walk(out, `subscribe.templates.${kind}.${k}`, at(tx, k), at(ty, k));
  }
}

/** 企业微信应用: its ids as typed, its secrets only as 已设置 / 已更换 / 已清除 (never a value, never the mask). */
function wecom(out: Change[], x: unknown, y: unknown): void {
  for (const k of keysOf(x, y)) {
    const key = `企业微信应用·${WECOM_WORDS[k] ?? k}`;
    const a = at(x, k);
    const b = at(y, k);
    if (WECOM_SECRETS.has(k)) {
      if (missing(a) && missing(b)) continue;
      if (!missing(a) && !missing(b)) {
        if (a !== b) out.push({ key, after: '已更换' });
      } else out.push({ key, after: missing(b) ? '已清除' : '已设置' });
    } else {
      // An AgentId of 0 is the card's empty box.
      const read = (v: unknown) => (missing(v) || (k === 'agentId' && v === 0) ? UNSET : short(v));
      push(out, key, read(a), read(b));
    }
  }
}

/**
 * A change of the town's settings (audit action `town.config`, the changed top-level sections
 * before and after) as the town admin reads it: each setting that changed named as the 本镇设置
 * page names it, before → after.
 */
export function settingsChanges(before: unknown, after: unknown): Change[] {
  const out: Change[] = [];
  for (const raw of keysOf(before, after)) {
    const key = PATH_ALIASES[raw] ?? raw;
    const x = at(before, raw);
    const y = at(after, raw);
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (key === 'departmentByCategory') departments(out, x, y);
    else if (key === 'wecomApp') wecom(out, x, y);
    else if (key === 'subscribe') {
      templates(out, at(x, 'templates'), at(y, 'templates'));
      for (const k of keysOf(x, y)) if (k !== 'templates') walk(out, `subscribe.${k}`, at(x, k), at(y, k));
    } else walk(out, key, x, y);
  }
  return out;
}
