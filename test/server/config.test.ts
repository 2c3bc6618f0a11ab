import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/src/config';

const root = path.resolve(__dirname, '..', '..');

describe('configuration', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MONGODB_URI', 'http://example.invalid/db'],
    ['JWT_SECRET', 'short'],
    ['WECHAT_API_BASE', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/yingji-cfg', [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: '/tmp/yingji-cfg', [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: '/tmp/yingji-cfg' })).toThrow(/JWT_SECRET/);
  });

  it('applies the documented defaults', () => {
    const cfg = loadConfig({ DATA_DIR: '/tmp/yingji-cfg' });
    expect(cfg).toMatchObject({ PORT: 3000, WECHAT_API_BASE: 'https://api.weixin.qq.com', SEED_DEMO: 'auto' });
    expect(cfg.MONGODB_URI).toBeUndefined();
    // Without JWT_SECRET a local secret is kept in DATA_DIR, the same on every start.
    expect(loadConfig({ DATA_DIR: '/tmp/yingji-cfg' }).JWT_SECRET).toBe(cfg.JWT_SECRET);
  });

  it('stops `npm start` with exit code 1 and the variable named on stderr', () => {
    const res = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'server/src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'not-a-port', DATA_DIR: '/tmp/yingji-cfg' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT="not-a-port"');
  });
});
