import type { AddressInfo } from 'node:net';
import { Schema, model } from 'mongoose';
import { createApp } from '../../server/src/app';
import { systemClock } from '../../server/src/core/clock';
import type { Module } from '../../server/src/core/module';
import { createLogger } from '../../server/src/logger';
import { useTestDatabase } from '../support/db';
import { http, testConfig } from '../support/server';

useTestDatabase();

// A model with a unique name, renamed by a route the way services rename villages or groups.
const Named = model(
  'DupKeyProbe',
  new Schema({ name: { type: String, required: true } }).index({ name: 1 }, { unique: true }),
);

const probe: Module = {
  name: 'dup-key-probe',
  routes(api) {
    api.route({ method: 'post', path: '/api/test/rename', summary: 'rename', auth: 'public' }, async ({ ctx }) => {
      const { from, to } = (ctx.request as { body?: { from: string; to: string } }).body!;
      return Named.findOneAndUpdate({ name: from }, { $set: { name: to } }, { returnDocument: 'after' }).lean();
    });
  },
};

describe('a write refused by a unique index', () => {
  let base: string;
  let close: () => void;

  beforeAll(async () => {
    await Named.create([{ name: '甲' }, { name: '乙' }]);
    const config = testConfig();
    const { app } = createApp({ config, clock: systemClock, log: createLogger('silent') }, [probe]);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('answers 409 CONFLICT, not a 500, when findOneAndUpdate would duplicate a unique key', async () => {
    const res = await http(base, 'POST', '/api/test/rename', {
      body: JSON.stringify({ from: '乙', to: '甲' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('CONFLICT');
    expect(await Named.countDocuments({ name: '乙' })).toBe(1);
  });
});
