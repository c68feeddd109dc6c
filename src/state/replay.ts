/**
 * Replay: folds journal records, in order, into what is still open, what finished and what was uploaded.
 * Pure (no I/O), so every record sequence can be tested directly.
 *
 * Each intent opens an attempt, identified by its replyRef. `submitted` adds the video id to the attempt
 * with the same replyRef. A settling record (completed / failed / abandoned) closes the attempt with its
 * replyRef when it names one, else the job's open attempt with the same fingerprint, else the job's
 * current attempt.
 *
 * Results are kept by job and fingerprint (`results`): the lock's entries and every completion, so a job
 * whose manifest goes back to an earlier version finds that render. A compacted journal keeps the last
 * completion of each version the lock no longer holds (one line per version ever rendered).
 */
import type { LockEntry, LockFile } from '../model.js';
import { mergeCompletions } from './lock-file.js';
import { displacedEntries, versionKey } from './versions.js';
import type { FailedJob, JournalRecord, PendingJob, StateSnapshot, UploadedFile } from './store.js';

export interface Replay extends StateSnapshot {
  /** Journal completions by job (the last one per job, renders kept aside left out), before merging into the lock. */
  completions: Map<string, LockEntry>;
  results: Map<string, LockEntry>;
  /** Indices of the records a compacted journal must keep: open attempts, the latest upload per hash, each job's last failure and each earlier version's last render. */
  keep: number[];
  /** Of those, the completions of versions the lock no longer holds: kept flagged `superseded`, so they never come back into the lock. */
  earlier: ReadonlySet<number>;
  /** Lock entries the journal's completions replace with another version: a compacted journal keeps them as that version's results. */
  displaced: JournalRecord[];
}

interface Attempt {
  pending: PendingJob;
  records: number[];
}

export function replay(records: readonly JournalRecord[], lockOnDisk: LockFile): Replay {
  const current = new Map<string, Attempt>();
  const superseded: Attempt[] = [];
  const completions = new Map<string, LockEntry>();
  const failed = new Map<string, FailedJob>();
  const failedAt = new Map<string, number>();
  const uploads = new Map<string, { value: UploadedFile; index: number }>();
  const claimedVideoIds = new Set<string>();
  const lastCompletion = new Map<string, { job: string; entry: LockEntry; index: number }>();

  const open = (attempt: Attempt): void => {
    const previous = current.get(attempt.pending.job);
    if (previous) superseded.push(previous);
    current.set(attempt.pending.job, attempt);
  };
  const find = (job: string, replyRef: string | undefined, fingerprint?: string): Attempt | undefined => {
    const candidates = [current.get(job), ...[...superseded].reverse()].filter((a): a is Attempt => a?.pending.job === job);
    if (replyRef !== undefined) return candidates.find((a) => a.pending.replyRef === replyRef);
    return candidates.find((a) => a.pending.fingerprint === fingerprint) ?? current.get(job);
  };
  const settle = (attempt: Attempt | undefined): void => {
    if (!attempt) return;
    if (current.get(attempt.pending.job) === attempt) current.delete(attempt.pending.job);
    else superseded.splice(superseded.indexOf(attempt), 1);
  };

  records.forEach((record, index) => {
    switch (record.type) {
      case 'intent': {
        const { job, fingerprint, replyRef, endpoint, credits, offPeak, at, request } = record;
        open({ pending: { job, fingerprint, replyRef, endpoint, credits, offPeak, since: at, ...(request ? { request } : {}) }, records: [index] });
        failed.delete(job);
        return;
      }
      case 'submitted': {
        claimedVideoIds.add(record.videoId);
        const attempt = find(record.job, record.replyRef);
        if (attempt) {
          attempt.pending.videoId = record.videoId;
          attempt.pending.submittedAt = record.at;
          attempt.records.push(index);
          return;
        }
        // No intent seen for it: still a job that exists and must be polled.
        const { job, fingerprint, replyRef, videoId, at } = record;
        const orphan: Attempt = { pending: { job, fingerprint, replyRef, videoId, endpoint: '', credits: 0, offPeak: false, since: at, submittedAt: at }, records: [index] };
        if (current.has(job)) superseded.push(orphan);
        else current.set(job, orphan);
        return;
      }
      case 'completed':
        settle(find(record.job, record.replyRef, record.fingerprint));
        lastCompletion.set(versionKey(record.job, record.fingerprint), { job: record.job, entry: record.entry, index });
        claimedVideoIds.add(record.entry.videoId);
        if (record.superseded) return;
        completions.set(record.job, record.entry);
        failed.delete(record.job);
        return;
      case 'failed':
        settle(find(record.job, record.replyRef, record.fingerprint));
        failed.set(record.job, { fingerprint: record.fingerprint, reason: record.reason, at: record.at, ...(record.status !== undefined ? { status: record.status } : {}) });
        failedAt.set(record.job, index);
        return;
      case 'abandoned':
        settle(find(record.job, record.replyRef, record.fingerprint));
        return;
      case 'upload':
        uploads.set(record.sha256, { value: { path: record.path, at: record.at, ...(record.url !== undefined ? { url: record.url } : {}) }, index });
        return;
      default:
        return unreachable(record);
    }
  });

  const openAttempts = [...current.values(), ...superseded];
  // A failure stays (so `status` and the gallery still show the API's message) until the job is tried again;
  // alone in the compacted journal it settles nothing, since its job then has no open attempt.
  const openJobs = new Set<string>(openAttempts.map((a) => a.pending.job));
  const failures = [...failed.keys()].filter((job) => !openJobs.has(job)).map((job) => failedAt.get(job)!);
  const lock = mergeCompletions(lockOnDisk, completions);
  const results = new Map<string, LockEntry>(Object.entries(lockOnDisk.jobs).map(([job, entry]) => [versionKey(job, entry.fingerprint), entry]));
  const earlier: number[] = [];
  for (const [key, { job, entry, index }] of lastCompletion) {
    const known = results.get(key);
    if (!known || Date.parse(known.completedAt) <= Date.parse(entry.completedAt)) results.set(key, entry);
    // The lock holds its job's current version; the journal keeps each other version's last render.
    if (lock.jobs[job]?.fingerprint !== entry.fingerprint) earlier.push(index);
  }
  const keep = [...openAttempts.flatMap((a) => a.records), ...[...uploads.values()].map((u) => u.index), ...failures, ...earlier].sort((a, b) => a - b);
  return {
    lock,
    results,
    earlier: new Set(earlier),
    displaced: displacedEntries(lockOnDisk, lock).filter((r) => r.type === 'completed' && !lastCompletion.has(versionKey(r.job, r.fingerprint))),
    pending: new Map([...current].map(([job, attempt]) => [job, attempt.pending])),
    uploads: new Map([...uploads].map(([sha, u]) => [sha, u.value])),
    failed,
    superseded: superseded.map((a) => a.pending),
    claimedVideoIds,
    completions,
    keep,
  };
}

function unreachable(value: never): never {
  throw new Error(`unhandled journal record ${JSON.stringify(value)}`);
}
