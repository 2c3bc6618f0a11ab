import mongoose, { Types } from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { UserModel } from '../../server/src/people/user.model';
import { freshDbName, testMongoUri } from '../support/db';

/**
 * A database left by an earlier version: its retired indexes are dropped at start and the new
 * ones made. Here the deployment-wide unique WeCom userid, which refused the same userid in a
 * town with its own WeCom corp.
 */
describe('a database from an earlier version', () => {
  const name = freshDbName();
  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });

  it('loses the retired indexes at start and takes a userid per corp', async () => {
    const old = await mongoose.createConnection(`${testMongoUri()}/${name}`).asPromise();
    const users = old.db!.collection('users');
    await users.createIndex(
      { wecomUserId: 1 },
      { unique: true, name: 'wecomUserId_unique', partialFilterExpression: { wecomUserId: { $type: 'string' } } },
    );
    await users.createIndex({ wecomUserId: 1, town: 1 }, { name: 'wecomUserId_1_town_1' });
    await old.close();

    await connectMongoose(testMongoUri(), name);
    const names = (await UserModel.collection.indexes()).map((i) => i.name);
    expect(names).not.toContain('wecomUserId_unique');
    expect(names).not.toContain('wecomUserId_1_town_1');
    expect(names).toContain('wecomUserId_town_unique');

    const [a, b] = [new Types.ObjectId(), new Types.ObjectId()];
    await UserModel.create({ town: a, username: 'a.grid', role: 'grid', name: '甲', wecomUserId: 'zhangsan' });
    await UserModel.create({ town: b, username: 'b.grid', role: 'grid', name: '乙', wecomUserId: 'zhangsan' });
    await expect(
      UserModel.create({ town: a, username: 'a.again', role: 'grid', name: '丙', wecomUserId: 'zhangsan' }),
    ).rejects.toMatchObject({ code: 11000 });
  });
});
