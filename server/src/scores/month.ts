import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Months are the town's calendar months, in Asia/Shanghai. */
export const TOWN_TZ = 'Asia/Shanghai';

/** [from, to) of a month written YYYY-MM, in the town's time zone. */
export function monthRange(month: string): { from: Date; to: Date } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`bad month ${month}`);
  const from = dayjs.tz(`${month}-01 00:00:00`, TOWN_TZ);
  return { from: from.toDate(), to: from.add(1, 'month').toDate() };
}

/** The month (YYYY-MM) a moment falls in, in the town's time zone. */
export function monthOf(d: Date): string {
  return dayjs(d).tz(TOWN_TZ).format('YYYY-MM');
}
