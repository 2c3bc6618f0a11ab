import mongoose from 'mongoose';
import { useTestDatabase } from '../support/db';

useTestDatabase();

describe('atomic counters on the connected database', () => {
  // FerretDB 1.x on SQLite loses concurrent updates unless one process sends them one at a time
  // (see db/connection.ts); every counter and outbox claim relies on this.
  it('keeps all of 40 concurrent $inc and findOneAndUpdate on one document', async () => {
    const Counter = mongoose.model('ProbeCounter', new mongoose.Schema({ _id: String, n: Number }));
    await Counter.create({ _id: 'x', n: 0 });
    await Promise.all([
      ...Array.from({ length: 20 }, () => Counter.updateOne({ _id: 'x' }, { $inc: { n: 1 } })),
      ...Array.from({ length: 20 }, () => Counter.findOneAndUpdate({ _id: 'x' }, { $inc: { n: 1 } })),
    ]);
    expect((await Counter.findById('x').lean())?.n).toBe(40);
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const Job = mongoose.model('ProbeJob', new mongoose.Schema({ state: String, owner: String }));
    const job = await Job.create({ state: 'pending' });
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Job.findOneAndUpdate({ _id: job._id, state: 'pending' }, { $set: { state: 'claimed', owner: `w${i}` } }),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
