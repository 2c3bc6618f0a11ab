import mongoose from 'mongoose';
import '../../server/src/app'; // registers every model
import { useTestDatabase } from '../support/db';

useTestDatabase();

/**
 * The embedded engine makes the product's indexes of DocumentDB's composite kind (one term per
 * document, postgres.ts): with the default kind, every path of every index is a term of its own,
 * and enqueuing a call-out's 200 group messages into the outbox's six indexes took five times as
 * long. Indexes are made at start, so a setting lost would not show until a warning is slow.
 */
describe('the indexes made at start', () => {
  it('are composite on every collection of the product', async () => {
    const plain: string[] = [];
    let checked = 0;
    for (const model of Object.values(mongoose.models)) {
      for (const index of await model.collection.indexes()) {
        if (index.name === '_id_') continue;
        checked++;
        if (!(index as { enableCompositeTerm?: unknown }).enableCompositeTerm)
          plain.push(`${model.collection.collectionName}.${index.name}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(plain).toEqual([]);
  });
});
