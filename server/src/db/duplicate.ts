/**
 * A unique-index conflict. MongoDB answers 11000; FerretDB 2 on DocumentDB answers 11000 for a
 * plain insert, but a racing upsert or a findOneAndUpdate can come back as InternalError (1)
 * carrying PostgreSQL's "duplicate key value violates unique constraint" or "conflicting key
 * value violates exclusion constraint" (how DocumentDB enforces unique indexes) — all the same. `field`, when given,
 * tells which unique key was hit (the error names the index or its key pattern).
 */
export function isDuplicateKey(e: unknown, field?: string): boolean {
  const err = e as { code?: number; message?: string; keyPattern?: Record<string, unknown> } | undefined;
  if (!err) return false;
  const dup =
    err.code === 11000 || (err.code === 1 && /duplicate key|violates exclusion constraint/i.test(err.message ?? ''));
  if (!dup || !field) return dup;
  return (err.keyPattern && field in err.keyPattern) || (err.message ?? '').includes(field);
}

/**
 * Two writers met on the same key and PostgreSQL gave up one of them: DocumentDB enforces a unique
 * index as an exclusion constraint, and concurrent inserts of one key can deadlock on it (or fail
 * to serialise). Nothing was written; trying again sees the other writer's document.
 */
export function isWriteConflict(e: unknown): boolean {
  const msg = (e as { message?: string } | undefined)?.message ?? '';
  return /deadlock detected|could not serialize|tuple concurrently/i.test(msg);
}
