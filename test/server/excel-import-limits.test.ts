import JSZip from 'jszip';
import { ShelterModel } from '../../server/src/shelters/model';
import { importRoster } from '../../server/src/people/roster';
import { seedDemo } from '../../server/src/people/seed';
import { TownModel } from '../../server/src/people/town.model';
import { useTestDatabase } from '../support/db';
import { http, startTestServer, type TestServer } from '../support/server';

/**
 * Excel imports read the sheet streamed, up to IMPORT_MAX_ROWS data rows (5000 by default): a
 * 300,000-row file is refused at once with a clear message, and the server keeps answering other
 * requests while an import runs.
 */
useTestDatabase();

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A shelters sheet of `rows` data rows, written as the XML parts themselves (generating 300,000
 * rows through exceljs would take longer than the import under test). Every row names a village
 * that does not exist, so each is rejected without a database write: the test measures reading.
 */
async function sheltersSheet(rows: number): Promise<Buffer> {
  const strings = ['名称', '纬度', '经度', '村/社区', '不存在村', '临时安置点'];
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>',
  ];
  for (let r = 2; r <= rows + 1; r++)
    parts.push(
      `<row r="${r}"><c r="A${r}" t="s"><v>5</v></c><c r="B${r}"><v>29.78</v></c><c r="C${r}"><v>107.86</v></c><c r="D${r}" t="s"><v>4</v></c></row>`,
    );
  parts.push('</sheetData></worksheet>');
  const ns = 'http://schemas.openxmlformats.org';
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
  );
  zip.file(
    '_rels/.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  zip.file(
    'xl/workbook.xml',
    `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets><sheet name="避难场所" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  );
  zip.file(
    'xl/_rels/workbook.xml.rels',
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  zip.file(
    'xl/sharedStrings.xml',
    `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
  );
  zip.file('xl/worksheets/sheet1.xml', parts.join(''));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

const post = (srv: TestServer, token: string, file: Buffer) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), 'shelters.xlsx');
  return http(srv.base, 'POST', '/api/shelters/import', { token, body: form });
};

/** Ask /healthz again and again while `work` runs; answers the slowest answer's time (ms). */
async function slowestHealthz(base: string, work: Promise<unknown>): Promise<{ slowest: number; probes: number }> {
  let done = false;
  void work.finally(() => (done = true));
  let slowest = 0;
  let probes = 0;
  while (!done || probes < 3) {
    const t = Date.now();
    const res = await fetch(`${base}/healthz`);
    await res.text();
    slowest = Math.max(slowest, Date.now() - t);
    probes++;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { slowest, probes };
}

describe('Excel import limits', () => {
  let srv: TestServer;
  let token: string;
  let huge: Buffer;
  beforeAll(async () => {
    await seedDemo();
    huge = await sheltersSheet(300_000);
    srv = await startTestServer();
    token = (await srv.login('office', 'Office@2024')).token!;
  }, 60_000);
  afterAll(() => srv.close());

  it('refuses a 300,000-row file early, naming the limit, and stores nothing', async () => {
    expect(huge.length).toBeLessThan(5 * 1024 * 1024); // within the upload limit: the rows are the problem
    const before = await ShelterModel.countDocuments();
    const started = Date.now();
    const res = await post(srv, token, huge);
    expect(res.status).toBe(413);
    expect(res.json.error).toEqual({
      code: 'IMPORT_TOO_MANY_ROWS',
      message: '文件行数太多：一次最多导入 5000 行，请分成几个文件导入',
    });
    expect(Date.now() - started).toBeLessThan(10_000); // without the cap: 15 s and 1 GB
    expect(await ShelterModel.countDocuments()).toBe(before);
  });

  it('keeps answering other requests while an import runs', async () => {
    const big = post(srv, token, huge);
    const { slowest, probes } = await slowestHealthz(srv.base, big);
    expect((await big).status).toBe(413);
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(slowest).toBeLessThan(1500); // without streaming and yields: blocked for the whole import

    const allowed = post(srv, token, await sheltersSheet(5000));
    const during = await slowestHealthz(srv.base, allowed);
    const report = (await allowed).json;
    expect(report).toMatchObject({ total: 5000, created: 0, updated: 0 });
    expect(report.rejected[0]).toEqual({ row: 2, name: '临时安置点', reason: '找不到村（社区）“不存在村”' });
    expect(during.slowest).toBeLessThan(1500);
  });

  it('takes the limit from IMPORT_MAX_ROWS, for the roster import too', async () => {
    const small = await startTestServer({ env: { IMPORT_MAX_ROWS: '10' } });
    try {
      const res = await post(small, token, await sheltersSheet(11));
      expect(res.status).toBe(413);
      expect(res.json.error.message).toBe('文件行数太多：一次最多导入 10 行，请分成几个文件导入');
      expect((await post(small, token, await sheltersSheet(10))).json).toMatchObject({ total: 10 });
    } finally {
      await small.close();
    }
    const town = (await TownModel.findOne({ code: 'SZ' }))!._id;
    await expect(importRoster(town, huge, undefined, 5000)).rejects.toMatchObject({ code: 'IMPORT_TOO_MANY_ROWS' });
  });
});
