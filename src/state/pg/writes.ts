/**
 * The shared store's journal writes. A record about a job this runner claimed goes through the claim's
 * fence (fence.ts), so it is written only while the claim is still this runner's; a record about a job it
 * never claimed in this run (an attempt collected aside, `status --adopt`) and an upload are written as
 * they are. A write refused because the claim moved on throws `lease-lost`.
 */
import type { LockEntry } from '../../model.js';
import { StateError } from '../errors.js';
import type { JournalRecord } from '../store.js';
import { fenceIntent, writeCompletion, writeResult, writeSubmitted, type Db, type JournalRow } from './fence.js';
import type { PgLeases } from './leases.js';

function lost(job: string, what: string): StateError {
  return new StateError('lease-lost', `${job}: this runner no longer holds its claim (its lease lapsed while it was paused or cut off, and another runner took the job over); ${what}`);
}

/** Writes a journal record; for a completion, returns the entry the journal keeps for that video. */
export async function writeRecord(db: Db, leases: PgLeases, scope: string, record: JournalRecord, json: string): Promise<LockEntry | undefined> {
  const row: JournalRow = { type: record.type, replyRef: 'replyRef' in record ? (record.replyRef ?? null) : null, json };
  if (record.type === 'upload') {
    await db.query('INSERT INTO journal (scope, type, record, runner_id) VALUES ($1, $2, $3::jsonb, $4)', [scope, row.type, json, leases.runner]);
    return undefined;
  }
  const holder = leases.holder(record.job, record.fingerprint);
  switch (record.type) {
    case 'intent': {
      if (!holder) throw lost(record.job, 'not submitting');
      const written = leases.holds.fencing(record.job, record.fingerprint);
      if (!(await fenceIntent(db, holder, row, leases.leaseMs))) throw lost(record.job, 'not submitting');
      written();
      return undefined;
    }
    case 'submitted':
      if (holder && (await writeSubmitted(db, holder, row, record.videoId)) === 'lost')
        throw lost(record.job, `its POST still created video ${record.videoId}, which stays in the shared journal (a later run keeps it aside); waiting for the new holder's result`);
      if (!holder) await insert(db, scope, leases.runner, record, row);
      return undefined;
    case 'completed': {
      const key = { scope, job: record.job, fingerprint: record.fingerprint, runner: leases.runner };
      const result = await writeCompletion(db, key, holder, row, record.entry.videoId);
      if (result.kind === 'lost') throw lost(record.job, "waiting for the new holder's result");
      return result.entry;
    }
    case 'failed':
    case 'abandoned':
      if (holder && (await writeResult(db, holder, row)) === 'lost') throw lost(record.job, "waiting for the new holder's result");
      if (!holder) await insert(db, scope, leases.runner, record, row);
      return undefined;
    default:
      return unreachable(record);
  }
}

function unreachable(value: never): never {
  throw new Error(`unhandled journal record ${JSON.stringify(value)}`);
}

async function insert(db: Db, scope: string, runner: string, record: Exclude<JournalRecord, { type: 'upload' }>, row: JournalRow): Promise<void> {
  await db.query('INSERT INTO journal (scope, type, job, fingerprint, reply_ref, record, runner_id) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)', [
    scope,
    row.type,
    record.job,
    record.fingerprint,
    row.replyRef,
    row.json,
    runner,
  ]);
}
