import { withDatabase } from '../core/cli';
import { seedDemoTown } from '../demo-seed';

// npm run seed:demo: load the sample town (idempotent).
void withDatabase(async () => {
  const { people, resources } = await seedDemoTown();
  const c = people.created;
  const added = c.villages + c.grids + c.users + c.chatGroups;
  process.stdout.write(
    `示例数据已载入 ${people.town}: 新增 村（社区）${c.villages} 个, 网格 ${c.grids} 个, 人员 ${c.users} 人, 群 ${c.chatGroups} 个` +
      `${added === 0 ? '（人员与网格已存在，无需重复载入）' : ''}\n`,
  );
  const r = resources.created;
  process.stdout.write(
    `应急资源: 新增 避难场所 ${r.shelters} 个, 隐患点 ${r.hazardPoints} 个, 救援队伍 ${r.rescueTeams} 支, 装备 ${r.equipment} 项\n`,
  );
});
