/**
 * Stored objects are shared: identical uploads have one content-addressed key, referenced by as many
 * `attachments` rows as were uploaded. An object may be removed only when no row refers to it, and
 * that check must not race an upload of the same bytes that is about to insert its row:
 *
 * - the request inserting a row holds a shared advisory lock on the key until it commits, and then
 *   confirms the object is still there (it may have been removed just before the lock was taken);
 * - the removal holds the exclusive lock while it looks for rows and deletes, so it waits for
 *   those inserts to commit and then sees their rows.
 */
import type { Database, Queryable } from '../db/database.js';
import type { Storage } from '../storage.js';

// One 64-bit advisory lock per key; a hash collision only makes two unrelated keys wait for each other.
const LOCK = 'hashtextextended($1, 0)';

/** Inside the transaction that inserts a row referring to `key`; released when it ends. */
export async function holdStoredObject(tx: Queryable, key: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock_shared(${LOCK})`, [key]);
}

/** Removes the object under `key` unless a row (even a soft-deleted one) still refers to it. */
export async function removeIfUnreferenced(db: Database, storage: Storage, key: string): Promise<boolean> {
  // `db` is the owner's connection: it sees every row, whoever the caller was.
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${LOCK})`, [key]);
    const { rows } = await tx.query('select 1 from attachments where storage_key = $1 limit 1', [key]);
    if (rows.length > 0) return false;
    await storage.delete(key);
    return true;
  });
}
