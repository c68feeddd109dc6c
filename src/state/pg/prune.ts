/**
 * Compaction of the shared journal: a scope's rows that replay no longer needs are deleted. Kept: what
 * replay keeps in a compacted file journal (open attempts, the latest upload per content hash, each job's
 * last failure) and the last completion per job and fingerprint, since other checkouts' lock files may
 * lack it (and a runner on another version of the manifest may still wait for its fingerprint's result).
 * The video ids of deleted rows go to `retired_videos`, so a video once given to a job is never matched
 * to another attempt by reconcile. Rows written after the read are not touched.
 */
import type pg from 'pg';
import { emptyLock } from '../lock-file.js';
import { replay } from '../replay.js';
import type { JournalRecord } from '../store.js';

function videoOf(record: JournalRecord): string | undefined {
  if (record.type === 'submitted') return record.videoId;
  if (record.type === 'completed') return record.entry.videoId;
  return undefined;
}

/** Deletes the scope's rows replay does not need; returns how many went. */
export async function pruneJournal(pool: pg.Pool, scope: string): Promise<number> {
  const { rows } = await pool.query<{ id: string; record: JournalRecord }>('SELECT id, record FROM journal WHERE scope = $1 ORDER BY id', [scope]);
  const records = rows.map((r) => r.record);
  const keep = new Set(replay(records, emptyLock()).keep);
  const lastCompletion = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.type === 'completed') lastCompletion.set(`${r.job}\u0000${r.fingerprint}`, i);
  });
  for (const i of lastCompletion.values()) keep.add(i);
  const drop = rows.filter((_, i) => !keep.has(i));
  if (drop.length === 0) return 0;
  const kept = new Set(rows.flatMap((r, i) => (keep.has(i) ? [videoOf(r.record)] : [])));
  const retired = [...new Set(drop.flatMap((r) => videoOf(r.record) ?? []))].filter((v) => !kept.has(v));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO retired_videos (scope, video_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [scope, retired]);
    await client.query('DELETE FROM journal WHERE scope = $1 AND id = ANY($2::bigint[])', [scope, drop.map((r) => r.id)]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return drop.length;
}

/** Video ids of the scope's deleted rows: still claimed (see VideoClaims). */
export async function retiredVideos(pool: pg.Pool | pg.ClientBase, scope: string): Promise<string[]> {
  const { rows } = await pool.query<{ video_id: string }>('SELECT video_id FROM retired_videos WHERE scope = $1', [scope]);
  return rows.map((r) => r.video_id);
}
