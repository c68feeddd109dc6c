/**
 * The claim's statements, and every journal write made under a claim. A claim carries a fencing token
 * (a sequence number, new at every take), and its holder writes nothing about the job unless the row
 * still has that token:
 *   take     a new token, only when nobody holds the claim, this runner does, or the holder is not live
 *            AND its POST window (`post_until`) has closed.
 *   intent   sets `post_until = now() + lease` on the claim row under its token (one statement with the
 *            insert and the heartbeat). A takeover waiting on that row sees `post_until` in the row's latest
 *            version (READ COMMITTED re-reads the conflicting row, while a subquery on `runners` would use
 *            the statement's old snapshot), so a runner that just fenced is never taken over.
 *   results  failed, abandoned: only under the token (the row locked FOR SHARE, so a takeover and the
 *            write are ordered). submitted: under the token, or, for a runner that lost it, when the video
 *            is not recorded yet: a paid video is never dropped. completed: the first completion of a
 *            video is the one every checkout records.
 * A write refused because the token is gone is `lost`: the caller waits for the new holder's result.
 */
import type pg from 'pg';
import type { LockEntry } from '../../model.js';

export type Db = pg.Pool | pg.ClientBase;

export interface ClaimKey {
  scope: string;
  fingerprint: string;
  job: string;
}

/** A claim as its holder knows it. */
export interface Holder extends ClaimKey {
  runner: string;
  token: string;
}

/** A journal record to write under a claim: the record's JSON and what is indexed beside it. */
export interface JournalRow {
  type: string;
  replyRef: string | null;
  json: string;
}

/** SQL: the runner of `alias`.runner_id is alive. `ttl` is the lease time in ms (a parameter). */
export function live(alias: string, ttl: string): string {
  return `EXISTS (SELECT 1 FROM runners r WHERE r.id = ${alias}.runner_id AND r.stopped_at IS NULL AND r.heartbeat_at > now() - ${ttl} * interval '1 millisecond')`;
}

/**
 * SQL: the claim `alias` is held, so nobody else may take it: its runner is live, or that runner's POST
 * window is still open (a runner whose heartbeat lapsed may still send the POST of its last intent).
 */
export function held(alias: string, ttl: string): string {
  return `(${live(alias, ttl)} OR coalesce(${alias}.post_until > now(), false))`;
}

/** SQL: a timestamptz as the ISO text JavaScript writes (UTC, milliseconds). */
export function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** Takes the claim (see above): its new token, or undefined when another runner keeps it. */
export async function takeClaim(db: Db, key: ClaimKey, runner: string, leaseMs: number): Promise<string | undefined> {
  const { rows } = await db.query<{ token: string }>(
    `INSERT INTO claims AS c (scope, fingerprint, job, runner_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scope, fingerprint, job) DO UPDATE SET runner_id = EXCLUDED.runner_id, claimed_at = now(), token = nextval('claim_tokens'), post_until = NULL
     WHERE c.runner_id = EXCLUDED.runner_id OR NOT ${held('c', '$5')}
     RETURNING token::text AS token`,
    [key.scope, key.fingerprint, key.job, runner, leaseMs],
  );
  return rows[0]?.token;
}

const INSERT = `INSERT INTO journal (scope, type, job, fingerprint, reply_ref, record, runner_id) SELECT $1, $2, $3, $4, $5, $6::jsonb, $7`;
const HELD = `SELECT 1 FROM claims WHERE scope = $1 AND fingerprint = $4 AND job = $3 AND runner_id = $7 AND token = $8::bigint`;

function values(holder: Holder, row: JournalRow): unknown[] {
  return [holder.scope, row.type, holder.job, holder.fingerprint, row.replyRef, row.json, holder.runner, holder.token];
}

/**
 * Writes an intent only under the holder's token, renewing its heartbeat and opening its POST window
 * (`post_until`, the lease from now) on the claim row, in one statement: true when written.
 */
export async function fenceIntent(db: Db, holder: Holder, row: JournalRow, leaseMs: number): Promise<boolean> {
  const { rows } = await db.query<{ written: number }>(
    `WITH held AS (UPDATE claims SET post_until = now() + $9 * interval '1 millisecond'
                   WHERE scope = $1 AND fingerprint = $4 AND job = $3 AND runner_id = $7 AND token = $8::bigint RETURNING 1),
          beat AS (UPDATE runners SET heartbeat_at = now() WHERE id = $7 AND EXISTS (SELECT 1 FROM held)),
          written AS (${INSERT} WHERE EXISTS (SELECT 1 FROM held) RETURNING 1)
     SELECT count(*)::int AS written FROM written`,
    [...values(holder, row), leaseMs],
  );
  return Boolean(rows[0]?.written);
}

/** A failure or an abandonment, under the token. */
export async function writeResult(db: Db, holder: Holder, row: JournalRow): Promise<'written' | 'lost'> {
  const { rows } = await db.query<{ written: number }>(
    `WITH held AS (${HELD} FOR SHARE), written AS (${INSERT} WHERE EXISTS (SELECT 1 FROM held) RETURNING 1)
     SELECT count(*)::int AS written FROM written`,
    values(holder, row),
  );
  return rows[0]?.written ? 'written' : 'lost';
}

/** SQL: the scope's journal already gives video $9 to some job. */
const RECORDED = `EXISTS (SELECT 1 FROM journal WHERE scope = $1 AND type IN ('submitted', 'completed') AND coalesce(record->>'videoId', record->'entry'->>'videoId') = $9)`;

/** A video id a POST (or a reconcile) returned: under the token, or as a new video's record without it. */
export async function writeSubmitted(db: Db, holder: Holder, row: JournalRow, videoId: string): Promise<'written' | 'lost'> {
  const { rows } = await db.query<{ held: boolean }>(
    `WITH held AS (${HELD} FOR SHARE), written AS (${INSERT} WHERE EXISTS (SELECT 1 FROM held) OR NOT ${RECORDED} RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM held) AS held, (SELECT count(*) FROM written) AS n`,
    [...values(holder, row), videoId],
  );
  return rows[0]?.held ? 'written' : 'lost';
}

export type CompletionWrite = { kind: 'written' | 'kept'; entry: LockEntry } | { kind: 'lost' };

/**
 * A completion: when the job's fingerprint already has one for this video, that entry is kept and
 * returned (every checkout records the same bytes); else written under the token (`holder`), or, for a
 * job this runner never claimed (no holder), written as it is. A written entry's `completedAt` is the
 * database's time, so completions compared later (the newest wins in a lock) are on one clock.
 */
export async function writeCompletion(db: Db, key: ClaimKey & { runner: string }, holder: Holder | undefined, row: JournalRow, videoId: string): Promise<CompletionWrite> {
  const token = holder?.token ?? null;
  const { rows } = await db.query<{ kept: LockEntry | null; written: LockEntry | null }>(
    `WITH kept AS (SELECT record->'entry' AS entry FROM journal
                   WHERE scope = $1 AND job = $3 AND fingerprint = $4 AND type = 'completed' AND record->'entry'->>'videoId' = $9 ORDER BY id LIMIT 1),
          held AS (${HELD} FOR SHARE),
          written AS (INSERT INTO journal (scope, type, job, fingerprint, reply_ref, record, runner_id)
                      SELECT $1, $2, $3, $4, $5, jsonb_set($6::jsonb, '{entry,completedAt}', to_jsonb(${isoText('now()')})), $7
                      WHERE NOT EXISTS (SELECT 1 FROM kept) AND ($8::bigint IS NULL OR EXISTS (SELECT 1 FROM held)) RETURNING record->'entry' AS entry)
     SELECT (SELECT entry FROM kept) AS kept, (SELECT entry FROM written) AS written`,
    [key.scope, row.type, key.job, key.fingerprint, row.replyRef, row.json, key.runner, token, videoId],
  );
  const result = rows[0];
  if (result?.kept) return { kind: 'kept', entry: result.kept };
  return result?.written ? { kind: 'written', entry: result.written } : { kind: 'lost' };
}
