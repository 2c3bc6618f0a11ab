import { z } from 'zod';
import { ERRORS } from '../errors';

/** A MongoDB ObjectId as 24 hex characters. */
export const ObjectIdString = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, '编号格式不正确')
  .meta({ id: 'ObjectId' });

/** A WGS-84 point. Coordinates outside the valid range are refused, not clamped. */
export const LatLng = z
  .object({
    lat: z.number().min(-90, '纬度应在 -90 到 90 之间').max(90, '纬度应在 -90 到 90 之间'),
    lng: z.number().min(-180, '经度应在 -180 到 180 之间').max(180, '经度应在 -180 到 180 之间'),
  })
  .meta({ id: 'LatLng' });
export type LatLng = z.infer<typeof LatLng>;

export const Pagination = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const ErrorResponse = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'Error' });

/**
 * Characters that show nothing and carry no meaning in typed text, removed from every free-text
 * field before it is stored: C0/C1 controls except tab and line breaks (NUL among them), bidi
 * embeddings, overrides and isolates (which can make a stored text read differently from what it
 * is), zero-width space, word joiners, BOMs, and lone UTF-16 surrogates. ZWJ/ZWNJ stay: emoji and
 * some scripts need them.
 */
// Removing control characters is the point of this pattern.
const STRIPPED =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Also invisible on their own, though kept in a text that has visible characters too. */
// eslint-disable-next-line no-misleading-character-class -- each joiner and filler is meant alone
const INVISIBLE = /[\s\u00AD\u034F\u115F\u1160\u180E\u200C\u200D\u2800\u3164\uFE00-\uFE0F\uFFA0]/g;

/** The text as stored: invisible and control characters removed (see STRIPPED). */
export function cleanText(text: string): string {
  return text.replace(STRIPPED, '');
}

/** Whether anything a reader could see is left once invisible and control characters are gone. */
export function hasVisibleText(text: string): boolean {
  return cleanText(text).replace(INVISIBLE, '') !== '';
}

/**
 * A free-text field a person types (description, title, note, reason): refused with TEXT_EMPTY
 * when it has characters but none visible (zero-width, bidi controls, NUL, lone surrogates only),
 * then stored cleaned and trimmed. An empty or blank text is left to `required` (or allowed).
 */
export function FreeText(max: number, opts: { required?: string | true; tooLong?: string } = {}) {
  const checked = z
    .string()
    .refine((s) => s.trim() === '' || hasVisibleText(s), {
      message: ERRORS.TEXT_EMPTY.message,
      params: { code: 'TEXT_EMPTY' },
      abort: true,
    })
    .overwrite(cleanText)
    .trim();
  const required = opts.required === true ? checked.min(1) : opts.required ? checked.min(1, opts.required) : checked;
  return required.max(max, opts.tooLong);
}
