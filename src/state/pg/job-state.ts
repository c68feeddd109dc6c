/**
 * What a runner that just took a claim finds of the job in the shared journal, in one round trip. Every
 * time in it is the database's: each record's `at` is the row's `written_at`, and the wait before an
 * intent without a video id may be reconciled is computed against the database's `now()`, so a writer
 * whose clock ran ahead or behind moves neither the taker's wait nor reconcile's cutoff.
 */
import type pg from 'pg';
import { emptyLock } from '../lock-file.js';
import { replay } from '../replay.js';
import type { ClaimResult } from '../shared.js';
import type { JournalRecord } from '../store.js';
import { openAttemptOf, versionKey } from '../versions.js';
import { isoText } from './fence.js';

/** SQL: a journal row's record with `at` set to when the database wrote it. */
export const RECORD_AT_DB = `record || jsonb_build_object('at', ${isoText('written_at')})`;

export interface JobStateTiming {
  leaseMs: number;
  postGraceMs: number;
}

/** The job's open attempt for this fingerprint, its completion, every claimed video id, and how long to wait before reconciling. */
export async function jobState(pool: pg.Pool, scope: string, job: string, fingerprint: string, timing: JobStateTiming): Promise<Omit<Extract<ClaimResult, { kind: 'mine' }>, 'kind'>> {
  const { rows } = await pool.query<{ records: JournalRecord[]; ids: string[]; now: string }>(
    `SELECT (SELECT coalesce(json_agg(${RECORD_AT_DB} ORDER BY id), '[]') FROM journal WHERE scope = $1 AND job = $2) AS records,
            (SELECT coalesce(json_agg(DISTINCT v), '[]') FROM (
               SELECT coalesce(record->>'videoId', record->'entry'->>'videoId') AS v FROM journal WHERE scope = $1 AND type IN ('submitted', 'completed')
               UNION ALL SELECT video_id FROM retired_videos WHERE scope = $1
             ) ids WHERE v IS NOT NULL) AS ids,
            ${isoText('now()')} AS now`,
    [scope, job],
  );
  const state = replay(rows[0]?.records ?? [], emptyLock());
  // By version: another version's newer attempt or result must not hide this one's (versions.ts).
  const open = openAttemptOf(state, job, fingerprint);
  const completed = state.results.get(versionKey(job, fingerprint));
  // The holder sent no POST later than a lease after its intent was written (fence.ts, beforePost), and a
  // POST answers or times out within the grace: past both, the API shows whatever that POST created.
  const settleAfterMs = open && !open.videoId ? Math.max(0, Date.parse(open.since) + timing.leaseMs + timing.postGraceMs - Date.parse(rows[0]!.now)) : 0;
  return {
    ...(open ? { pending: open, settleAfterMs } : {}),
    ...(completed ? { completed } : {}),
    claimedVideoIds: new Set(rows[0]?.ids ?? []),
  };
}
