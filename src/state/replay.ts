/**
 * Replay: folds journal records, in order, into what is still open, what finished and what was uploaded.
 * Pure (no I/O), so every record sequence can be tested directly.
 *
 * Each intent opens an attempt, identified by its replyRef. `submitted` adds the video id to the attempt
 * with the same replyRef. A settling record (completed / failed / abandoned) closes the attempt with its
 * replyRef when it names one, else the job's open attempt with the same fingerprint, else the job's
 * current attempt.
 */
import type { LockEntry, LockFile } from '../model.js';
import { mergeCompletions } from './lock-file.js';
import type { FailedJob, JournalRecord, PendingJob, StateSnapshot, UploadedFile } from './store.js';

export interface Replay extends StateSnapshot {
  /** Journal completions by job (the last one per job), before merging into the lock. */
  completions: Map<string, LockEntry>;
  /** Indices of the records a compacted journal must keep: open attempts, the latest upload per hash and each job's last failure. */
  keep: number[];
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
        completions.set(record.job, record.entry);
        claimedVideoIds.add(record.entry.videoId);
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
  const keep = [...openAttempts.flatMap((a) => a.records), ...[...uploads.values()].map((u) => u.index), ...failures].sort((a, b) => a - b);
  return {
    lock: mergeCompletions(lockOnDisk, completions),
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
