import fs from 'node:fs';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '@yingji/shared';

/** The default of IMPORT_MAX_ROWS (config.ts): the most data rows one Excel import reads. */
export const DEFAULT_IMPORT_MAX_ROWS = 5000;

/** Rows read between two yields to the event loop, so other requests are answered meanwhile. */
const YIELD_EVERY = 50;

/** Let timers and I/O run (a microtask would not): an import never holds the server. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A cell as the text the office typed (formulas by their result, rich text joined, dates ISO). */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text.trim();
    if ('result' in v) return String(v.result ?? '').trim();
    if ('richText' in v)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
  }
  return String(v).trim();
}

/** An uploaded file in 64 KiB pieces, as a file stream gives it (unzipper copies one large chunk over and over). */
function* slices(buf: Buffer, size = 64 * 1024) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export interface SheetRow<K extends string> {
  row: number;
  values: Partial<Record<K, string>>;
}

/**
 * The data rows of the first worksheet as { column key → text }, columns found by their header
 * names in row 1. Read with exceljs's streaming reader, so memory stays small whatever the file
 * holds, and refused with IMPORT_TOO_MANY_ROWS as soon as row `maxRows + 1` is reached, without
 * reading the rest. Unreadable files answer IMPORT_FILE_INVALID.
 */
export async function readSheetRows<K extends string>(
  file: string | Buffer,
  columns: Record<K, readonly string[]>,
  maxRows: number = DEFAULT_IMPORT_MAX_ROWS,
): Promise<SheetRow<K>[]> {
  const input = typeof file === 'string' ? fs.createReadStream(file) : Readable.from(slices(file));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const rows: SheetRow<K>[] = [];
  try {
    for await (const sheet of reader) {
      let colOf: Partial<Record<K, number>> | undefined;
      let seen = 0;
      for await (const row of sheet) {
        if (row.number === 1) {
          colOf = {};
          row.eachCell((cell, col) => {
            const title = cellText(cell.value).replace(/\s|\*/g, '');
            for (const [key, names] of Object.entries(columns) as [K, readonly string[]][])
              if (names.includes(title) && colOf![key] === undefined) colOf![key] = col;
          });
          continue;
        }
        if (++seen > maxRows)
          throw new AppError('IMPORT_TOO_MANY_ROWS', {
            message: `文件行数太多：一次最多导入 ${maxRows} 行，请分成几个文件导入`,
          });
        if (seen % YIELD_EVERY === 0) await yieldToEventLoop();
        if (!colOf) continue;
        const values: Partial<Record<K, string>> = {};
        for (const [key, col] of Object.entries(colOf) as [K, number][]) values[key] = cellText(row.getCell(col).value);
        if (Object.values(values).some((v) => v)) rows.push({ row: row.number, values });
      }
      break; // the first worksheet only
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('IMPORT_FILE_INVALID');
  } finally {
    input.destroy();
  }
  return rows;
}
