import { ApiClient, ApiError, townsApi } from '@yingji/shared';
import { hashPassword } from '../../server/src/auth/passwords';
import { TownModel, UserModel } from '../../server/src/people/models';
import type { TestServer } from '../support/server';

/** A square grid boundary as GeoJSON, `d` degrees wide, south-west corner at (lng, lat). */
export function square(lng: number, lat: number, d = 0.01) {
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lng, lat],
        [lng + d, lat],
        [lng + d, lat + d],
        [lng, lat + d],
        [lng, lat],
      ] as [number, number][],
    ],
  };
}

/** The call must fail with an API error; answers that error. */
export async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

/**
 * The deployment's platform administrator, the only person there before any town: created the way
 * `npm run admin -- town:add` and `user:add --role platform` would (a base town 平台 to belong to).
 */
export async function platformAdmin(srv: TestServer): Promise<ApiClient> {
  const base = await TownModel.create({ code: 'PT', name: '平台' });
  await UserModel.create({
    town: base._id,
    username: 'platform.root',
    passwordHash: await hashPassword('Platform@2024'),
    role: 'platform',
    name: '平台管理员',
  });
  return srv.login('platform.root', 'Platform@2024');
}

/** A town made through the API from nothing: the town, its admin, one village with one grid, one grid member, one resident. */
export async function townFromNothing(
  srv: TestServer,
  platform: ApiClient,
  t: { code: string; name: string; lng: number; lat: number },
) {
  const town = await townsApi(platform).createTown({ code: t.code, name: t.name, county: '丰都县' });
  const code = t.code.toLowerCase();
  await townsApi(platform).createTownAdmin(town.id, {
    username: `${code}.admin`,
    password: 'Admin@2024x',
    name: `${t.name}管理员`,
  });
  const admin = await srv.login(`${code}.admin`, 'Admin@2024x');
  const village = await townsApi(admin).createVillage({ name: `${t.name}一村` });
  const grid = await townsApi(admin).createGrid({
    name: `${t.name}一村第一网格`,
    villageId: village.id,
    boundary: square(t.lng, t.lat),
  });
  await admin.post('/api/users', {
    username: `${code}.grid`,
    password: 'Grid@2024x',
    role: 'grid',
    name: `${t.name}网格员`,
    grids: [grid.code],
  });
  await admin.post('/api/users', {
    username: `${code}.resident`,
    password: 'Resident@2024x',
    role: 'resident',
    name: `${t.name}村民`,
  });
  return {
    town,
    village,
    grid,
    admin,
    gridMember: await srv.login(`${code}.grid`, 'Grid@2024x'),
    resident: await srv.login(`${code}.resident`, 'Resident@2024x'),
  };
}
