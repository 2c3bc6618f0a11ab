import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuild, WEAPP_DIST } from './support/h5-build';

/**
 * The weapp build as WeChat will take it: the main package under 2 MB (WeChat refuses more), every
 * page present, the privacy declarations in app.json, and WXML/WXSS accepted by WeChat's own
 * compilers (wcc/wcsc, shipped in the miniprogram-compiler npm package).
 */
const MB = 1024 * 1024;
const MAIN_LIMIT = 2 * MB;
/** Our own goal for the main package (login and the residents' pages): a quick first open on a weak network. */
const MAIN_GOAL = 600 * 1024;

interface AppJson {
  pages: string[];
  subPackages?: Array<{ root: string; pages: string[] }>;
  requiredPrivateInfos?: string[];
  __usePrivacyCheck__?: boolean;
  permission?: Record<string, { desc: string }>;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

/** Bytes of each package: a file belongs to the subpackage whose root holds it, else to the main package. */
export function packageSizes(dist: string, app: AppJson): Record<string, number> {
  const roots = (app.subPackages ?? []).map((s) => s.root.replace(/\/$/, ''));
  const sizes: Record<string, number> = { main: 0, ...Object.fromEntries(roots.map((r) => [r, 0])) };
  for (const file of filesUnder(dist)) {
    const rel = path.relative(dist, file).split(path.sep).join('/');
    const root = roots.find((r) => rel.startsWith(`${r}/`));
    sizes[root ?? 'main'] += fs.statSync(file).size;
  }
  return sizes;
}

let app: AppJson;
beforeAll(() => {
  ensureBuild('weapp');
  app = JSON.parse(fs.readFileSync(path.join(WEAPP_DIST, 'app.json'), 'utf8')) as AppJson;
}, 20 * 60_000);

describe('the weapp build', () => {
  it('keeps the main package within 600 KB (WeChat allows 2 MB), and each subpackage under 2 MB', () => {
    const sizes = packageSizes(WEAPP_DIST, app);
    console.log(
      'weapp package sizes (KiB): ' +
        Object.entries(sizes)
          .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)}`)
          .join(', '),
    );
    expect(sizes.main).toBeLessThanOrEqual(MAIN_GOAL);
    for (const [name, size] of Object.entries(sizes))
      expect({ name, ok: size < MAIN_LIMIT }).toEqual({ name, ok: true });
    expect(Object.values(sizes).reduce((a, b) => a + b, 0)).toBeLessThan(20 * MB);
  });

  it('counts a file in the main package unless it sits under a subpackage root', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-size-'));
    fs.mkdirSync(path.join(tmp, 'office', 'x'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'officer'));
    fs.writeFileSync(path.join(tmp, 'app.js'), 'a'.repeat(10));
    fs.writeFileSync(path.join(tmp, 'office', 'x', 'index.js'), 'b'.repeat(20));
    fs.writeFileSync(path.join(tmp, 'officer', 'index.js'), 'c'.repeat(5));
    expect(packageSizes(tmp, { pages: [], subPackages: [{ root: 'office/', pages: [] }] })).toEqual({
      main: 15,
      office: 20,
    });
  });

  it('puts the office console and the field pages in subpackages, the residents’ pages in the main package', () => {
    expect(app.pages).toEqual(expect.arrayContaining(['pages/index/index', 'pages/report/index', 'pages/mine/index']));
    expect(app.subPackages?.map((s) => s.root)).toEqual(['staff', 'office', 'admin']);
    const all = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
    for (const page of all) {
      for (const ext of ['js', 'json', 'wxml'])
        expect(fs.existsSync(path.join(WEAPP_DIST, `${page}.${ext}`))).toBe(true);
    }
  });

  it('declares the location APIs it uses and turns on WeChat’s privacy guide', () => {
    expect(app.requiredPrivateInfos).toEqual(expect.arrayContaining(['getLocation', 'chooseLocation']));
    expect(app.__usePrivacyCheck__).toBe(true);
    expect(app.permission?.['scope.userLocation']?.desc).toMatch(/位置|避难/);
  });

  it('compiles with WeChat’s own WXML and WXSS compilers', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiler = require('miniprogram-compiler') as {
      wxmlToJs(root: string): string;
      wxssToJs(root: string): string;
    };
    expect(compiler.wxmlToJs(WEAPP_DIST)).toContain('$gwx');
    expect(compiler.wxssToJs(WEAPP_DIST)).toContain('wxssMap');
  });
});
