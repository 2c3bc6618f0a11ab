import { PassThrough } from 'node:stream';
import { runTerminalChat } from '../../bot/src/channels/terminal/session';
import { ENGINE_TEXTS } from '../../bot/src/engine';
import { HazardModel } from '../../server/src/hazards/hazard.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

let srv: TestServer;
beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer();
});
afterAll(() => srv.close());

/** Type these lines into `npm run chat -- --as <username> [--group …]` and read what it prints. */
async function chat(username: string, lines: string[], groupName?: string, ownServer = false): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d) => (printed += String(d)));
  const done = runTerminalChat({
    services: srv.services,
    username,
    groupName,
    input,
    output,
    apiBaseUrl: ownServer ? undefined : srv.base,
  });
  for (const l of lines) input.write(`${l}\n`);
  input.end();
  await done;
  return printed;
}

describe('the terminal simulator', () => {
  it('lets a grid member report a hazard in their group and query it', async () => {
    const out = await chat(
      'grid.sh-01',
      ['帮助', '#隐患 河堤有管涌 位置：双河村河堤', '/退出', '这行不会被读到'],
      '双河村第一网格群',
    );
    expect(out).toContain('以 双河村网格员1（grid.sh-01）的身份对话，群“双河村第一网格群”。');
    expect(out).toContain(`应急小助手: @双河村网格员1 ${ENGINE_TEXTS.help}`);
    const code = /已登记隐患 (\S+?)，/.exec(out)?.[1];
    expect(code).toBeDefined();
    const hazard = await HazardModel.findOne({ code }).lean();
    expect(hazard).toMatchObject({ description: '河堤有管涌（位置：双河村河堤）', source: 'chat' });
    expect(out.trim().endsWith('再见。')).toBe(true);

    const query = await chat('grid.sh-01', [`查 ${code}`]);
    expect(query).toContain(`应急小助手: 隐患 ${code}：已受理`);
  });

  it('runs its own copy of the app when no server is given, and sends a location', async () => {
    const out = await chat('grid.sq-02', ['/位置 29.795 107.86 十直社区活动中心', '最近的避难场所'], undefined, true);
    expect(out).toMatch(/应急小助手: (离您最近的避难场所|附近暂无登记的避难场所|该功能暂未开通)/);
  });

  it('refuses an unknown user or group by name', async () => {
    await expect(chat('nobody.here', ['帮助'])).rejects.toThrow('找不到用户 nobody.here');
    await expect(chat('grid.sq-01', ['帮助'], '不存在的群')).rejects.toThrow('找不到群 不存在的群');
  });
});
