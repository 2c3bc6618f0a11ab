/** An ISO time in Asia/Shanghai as the chat says it: 14:05 on the day of `nowMs`, else 6月30日 14:05. */
export function clockTime(iso: string, nowMs: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const fmt = (x: Date, opts: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', ...opts }).format(x);
  const hm = fmt(d, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  if (day(iso) === day(new Date(nowMs).toISOString())) return hm;
  const [, month, date] = day(iso)!.split('-');
  return `${Number(month)}月${Number(date)}日 ${hm}`;
}

/** An ISO time as a date in Asia/Shanghai: 2024-06-30. */
export function day(iso?: string): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
  return parts;
}
