import { calloutsApi, type ApiClient } from '@yingji/shared';
import { acksCounted } from '../../server/src/callouts/ack-tally';
import { CalloutModel, CalloutRecipientModel } from '../../server/src/callouts/callout.model';
import { rid } from '../../server/src/callouts/common';
import { SETTLED_MS, recountAnswers } from '../../server/src/callouts/recount';
import { UserModel } from '../../server/src/people/user.model';
import { seedDemo } from '../../server/src/people/seed';
import { useTestDatabase } from '../support/db';
import { startTestServer, type TestServer } from '../support/server';

useTestDatabase();

let srv: TestServer;
let office: ApiClient;

beforeAll(async () => {
  await seedDemo();
  srv = await startTestServer();
  office = await srv.login('office', 'Office@2024');
});
afterAll(() => srv.close());

/** The id of the call-out's recipient document for the user with this username. */
async function recipientOf(calloutId: string, username: string) {
  const u = await UserModel.findOne({ username }).lean();
  return rid(calloutId, u!._id);
}

/** A recipient's answer as recorded, as if its count never came (the server died in between). */
async function answeredUncounted(calloutId: string, username: string, recordedMsAgo: number) {
  const recordedAt = new Date(Date.now() - recordedMsAgo);
  const r = await CalloutRecipientModel.collection.updateOne(
    { _id: (await recipientOf(calloutId, username)) as never, acked: false },
    {
      $set: {
        acked: true,
        ackAt: recordedAt,
        ackChannel: 'miniprogram',
        ackStep: 0,
        open: false,
        updatedAt: recordedAt,
      },
    },
  );
  expect(r.modifiedCount).toBe(1);
}

/** An answer recorded `ms` earlier than it was. */
async function olderBy(calloutId: string, username: string, ms: number) {
  const r = await CalloutRecipientModel.findById(await recipientOf(calloutId, username)).lean();
  await CalloutRecipientModel.collection.updateOne(
    { _id: r!._id as never },
    { $set: { updatedAt: new Date(r!.updatedAt!.getTime() - ms) } },
  );
}

describe('the recount of answers whose count was lost', () => {
  it('restores an answer recorded but never counted, never one still being counted, and never twice', async () => {
    const { id } = await calloutsApi(office).create({
      title: '暴雨橙色预警',
      level: 'orange',
      body: '请立即巡查地灾隐患点。',
      area: { villages: ['SQ'] },
    });
    const grid1 = await srv.login('grid.sq-01', 'Grid@2024');
    await calloutsApi(grid1).ack(id, 'miniprogram'); // counted as usual
    await acksCounted();
    await olderBy(id, 'grid.sq-01', SETTLED_MS + 60_000); // (the recount looks at answers settled by then)
    await answeredUncounted(id, 'grid.sq-02', SETTLED_MS + 60_000); // lost with the process
    await answeredUncounted(id, 'cadre.sq', 1_000); // its count may still be on the way
    await acksCounted();
    expect((await calloutsApi(office).get(id)).summary).toMatchObject({ total: 3, acked: 1 });

    expect(await recountAnswers(srv.services)).toBe(1);
    expect((await calloutsApi(office).get(id)).summary).toMatchObject({ total: 3, acked: 2 });
    // Run again (five minutes later, or a second server's job): nothing more is added.
    expect(await recountAnswers(srv.services)).toBe(0);
    expect((await CalloutModel.findById(id).lean())?.summary?.acked).toBe(2);
  });
});
