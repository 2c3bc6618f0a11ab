import { maskPhone } from '@yingji/shared';

/** Mainland mobile numbers inside free text (a resident may type one into a description). */
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Free text for an event or a webhook: phone numbers masked (138****5678). */
export function maskPhonesIn(s: string | null | undefined): string {
  return (s ?? '').replace(PHONE, (m) => maskPhone(m) ?? m);
}

export const idOf = (x: unknown): string | undefined => (x ? String(x) : undefined);
export const isoOf = (d: Date | null | undefined): string | undefined => (d ? d.toISOString() : undefined);
