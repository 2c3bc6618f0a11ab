import { withDatabase } from '../core/cli';
import { seedDemo } from './seed';

// npm run seed:demo: load the sample town (idempotent).
void withDatabase(async () => {
  const report = await seedDemo();
  const c = report.created;
  process.stdout.write(
    `示例数据已载入 ${report.town}: 新增 村（社区）${c.villages} 个, 网格 ${c.grids} 个, 人员 ${c.users} 人, 群 ${c.chatGroups} 个` +
      `${c.villages + c.grids + c.users + c.chatGroups === 0 ? '（已存在，无需重复载入）' : ''}\n`,
  );
});
