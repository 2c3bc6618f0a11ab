/**
 * WeChat's value rules for subscription-message keywords (订阅消息 模板参数值要求), pure. The key's
 * prefix names its type (`thing1`, `character_string2`, `time3`); WeChat answers 47003 for a value
 * that breaks its type's rule, so every value is made to fit before it is enqueued.
 */
export const FIELD_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** `thing12` → `thing`; undefined for a key WeChat would not know. */
export function fieldType(key: string): FieldType | undefined {
  const m = /^([a-z_]+?)(\d+)$/.exec(key);
  const t = m?.[1] as FieldType | undefined;
  return t && FIELD_TYPES.includes(t) ? t : undefined;
}
export const FIELD_KEY =
  /^(thing|number|letter|symbol|character_string|time|date|amount|phone_number|car_number|name|phrase)\d+$/;

/** A value before it is fitted: text, a number (amounts, counts) or a moment. */
export type RawValue = string | number | Date | null | undefined;

const chars = (s: string) => Array.from(s);
const HAN = /\p{Script=Han}/u;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** At most n characters; a cut one ends with an ellipsis so the reader sees it was shortened. */
export function clip(s: string, n: number, ellipsis = '…'): string {
  const c = chars(s);
  if (c.length <= n) return s;
  return c.slice(0, Math.max(0, n - ellipsis.length)).join('') + ellipsis;
}

/** Shanghai wall-clock parts of a moment (China keeps UTC+8 all year). */
function shanghai(d: Date) {
  const t = new Date(d.getTime() + 8 * 3600 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日`,
    time: `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}`,
  };
}

function asDate(v: RawValue): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string' && v) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** What a field shows when there is nothing to say (WeChat refuses an empty value). */
const EMPTY: Record<FieldType, string> = {
  thing: '无',
  number: '0',
  letter: 'NA',
  symbol: '-',
  character_string: '-',
  time: '',
  date: '',
  amount: '¥0',
  phone_number: '-',
  car_number: '-',
  name: '无',
  phrase: '无',
};

/**
 * The value as WeChat accepts it for this type. `thing` ≤ 20 characters, `phrase` ≤ 5 Chinese
 * characters, `name` ≤ 10 Chinese or 20 Latin characters, `character_string`/`number`/`letter` ≤ 32
 * of their characters, `symbol` ≤ 5, `phone_number` ≤ 17, `car_number` ≤ 8, `time` as
 * `2026年12月1日 16:25` and `date` as `2026年12月1日` (Shanghai time), `amount` as `¥50.00`.
 */
export function fitValue(type: FieldType, raw: RawValue, now: Date = new Date()): string {
  const text = raw instanceof Date ? '' : oneLine(String(raw ?? ''));
  let out: string;
  switch (type) {
    case 'thing':
      out = clip(text, 20);
      break;
    case 'phrase':
      out = chars(text.replace(/[^\p{Script=Han}]/gu, ''))
        .slice(0, 5)
        .join('');
      break;
    case 'name':
      out = HAN.test(text) ? clip(text, 10) : clip(text, 20, '');
      break;
    case 'character_string':
      out = text.replace(/[^\x21-\x7e]/g, '').slice(0, 32);
      break;
    case 'number': {
      const m = /-?\d+(\.\d+)?/.exec(text.replace(/,/g, ''));
      out = m ? m[0].slice(0, 32) : '';
      break;
    }
    case 'letter':
      out = text.replace(/[^A-Za-z]/g, '').slice(0, 32);
      break;
    case 'symbol':
      out = chars(text.replace(/[\p{L}\p{N}\s]/gu, ''))
        .slice(0, 5)
        .join('');
      break;
    case 'phone_number':
      out = text.replace(/[^\d+\-()]/g, '').slice(0, 17);
      break;
    case 'car_number':
      out = chars(text.replace(/\s/g, '')).slice(0, 8).join('');
      break;
    case 'amount': {
      const n = typeof raw === 'number' ? raw : Number(text.replace(/[^\d.-]/g, ''));
      out = Number.isFinite(n) && text !== '' ? `¥${n.toFixed(2)}` : '';
      if (out.length > 14) out = `¥${Math.round(n)}`; // 10 digits at most
      break;
    }
    case 'time': {
      const d = asDate(raw) ?? now;
      const p = shanghai(d);
      out = `${p.date} ${p.time}`;
      break;
    }
    case 'date':
      out = shanghai(asDate(raw) ?? now).date;
      break;
  }
  return out || EMPTY[type] || shanghai(now).date;
}

/** A template's field mapping: keyword key → the name of a message value, or a fixed text. */
export type FieldMapping = Record<string, string | { text: string }>;

/**
 * Build `data` for subscribe/send: every mapped keyword filled from the message's values and
 * fitted to its type. Keys WeChat would not know are left out (the settings schema refuses them).
 */
export function buildData(
  mapping: FieldMapping,
  values: Record<string, RawValue>,
  now: Date = new Date(),
): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {};
  for (const [key, source] of Object.entries(mapping)) {
    const type = fieldType(key);
    if (!type) continue;
    const raw = typeof source === 'string' ? values[source] : source.text;
    data[key] = { value: fitValue(type, raw, now) };
  }
  return data;
}
