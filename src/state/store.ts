/**
 * The state store: what has been submitted, finished, failed and uploaded, kept so that a run killed at any
 * moment can resume without paying twice or losing a render. The executor talks only to this interface;
 * the file-backed store (a journal plus the committed lock file) is one implementation, and a shared
 * database for teams on several machines can be another.
 *
 * Protocol the executor follows, and what replay makes of it:
 *   intent      appended (durably) before the POST; alone it means "outcome unknown": reconcile by replyRef
 *               (GET scheduler / GET videos) before any resubmit.
 *   submitted   the POST returned a video id: poll it, never resubmit.
 *   completed   downloaded and verified: becomes a lock entry even if the lock file was never rewritten
 *               (with `superseded`: a render of a version the job moved on from, a result of that version only).
 *   failed      the render failed or was rejected.
 *   abandoned   the POST definitely created nothing (429, 400, or reconciled as absent).
 *   upload      content sha256 → remote path, so an asset is uploaded once across runs.
 * Settle an attempt (completed / failed / abandoned) before writing a new intent for the same job;
 * an attempt replaced while still open is kept in `superseded` so it is never forgotten.
 */
import type { Fingerprint, JobId, LockEntry, LockFile } from '../model.js';
import type { SharedState } from './shared.js';

export type JournalRecord =
  | {
      type: 'intent';
      job: JobId;
      fingerprint: Fingerprint;
      endpoint: string;
      replyRef: string;
      credits: number;
      offPeak: boolean;
      at: string;
      /** The request as sent, minus replyRef/replyUrl: what reconcile compares with listed videos. */
      request?: Record<string, unknown>;
    }
  | { type: 'submitted'; job: JobId; fingerprint: Fingerprint; videoId: string; replyRef: string; at: string }
  | {
      type: 'completed';
      job: JobId;
      fingerprint: Fingerprint;
      entry: LockEntry;
      replyRef?: string;
      at: string;
      /** A render of a version the job has moved on from (kept aside, or compacted): a result of that version, never the job's lock entry. */
      superseded?: boolean;
    }
  | { type: 'failed'; job: JobId; fingerprint: Fingerprint; reason: string; status?: number; replyRef?: string; at: string }
  | { type: 'abandoned'; job: JobId; fingerprint: Fingerprint; reason: string; replyRef?: string; at: string }
  | { type: 'upload'; sha256: string; path: string; url?: string; at: string };

export type JournalRecordType = JournalRecord['type'];

/** A submission whose outcome is not settled yet. */
export interface PendingJob {
  job: JobId;
  fingerprint: Fingerprint;
  replyRef: string;
  /** Absent: only the intent was recorded, so the POST may or may not have created a job. */
  videoId?: string;
  /** Empty when the journal holds a `submitted` record without its intent. */
  endpoint: string;
  credits: number;
  offPeak: boolean;
  /** When the intent (or, without one, the submission) was recorded. */
  since: string;
  submittedAt?: string;
  /** The request as sent (absent in journals written before it was recorded). */
  request?: Record<string, unknown>;
}

export interface FailedJob {
  fingerprint: Fingerprint;
  reason: string;
  status?: number;
  at: string;
}

export interface UploadedFile {
  path: string;
  url?: string;
  /** When it was uploaded: the API keeps uploads for a limited time. */
  at?: string;
}

export interface StateSnapshot {
  /** The lock file merged with the journal's completions (newest `completedAt` wins per job). */
  lock: LockFile;
  /** Job id → its open attempt. */
  pending: Map<string, PendingJob>;
  /** Content sha256 → where it was uploaded. */
  uploads: Map<string, UploadedFile>;
  /** Job id → why its last attempt failed (until compaction). */
  failed: Map<string, FailedJob>;
  /** Open attempts replaced by a newer intent for the same job without being settled: reconcile them too. */
  superseded: PendingJob[];
  /**
   * Every known render by job and fingerprint (versionKey in versions.ts): the lock's entries, the journal's
   * completions and the renders kept aside, the newest per version. A revert finds its version here.
   */
  results?: ReadonlyMap<string, LockEntry>;
  /** Every video id the journal recorded as some job's (submitted or completed): never another job's render. */
  claimedVideoIds?: ReadonlySet<string>;
}

export interface StateStore {
  /** Reads the lock file and replays the journal. */
  load(): Promise<StateSnapshot>;
  /** Resolves only once the record is on disk (fsync). */
  append(record: JournalRecord): Promise<void>;
  /**
   * Appends a completion and returns the lock entry to record for it: the record's own, or, in a shared
   * store, the entry of the video's first completion, so every checkout writes the same bytes.
   */
  complete(record: Extract<JournalRecord, { type: 'completed' }>): Promise<LockEntry>;
  /**
   * Replaces the lock file atomically (sorted, stable bytes). Journal completions stay until `compact()`,
   * so to drop entries from the lock, `compact()` first and then write the pruned lock.
   */
  writeLock(lock: LockFile): Promise<void>;
  /** Folds completions into the lock file and rewrites the journal with only open attempts and uploads. */
  compact(): Promise<void>;
  /** Waits for pending writes and releases the run lock. */
  close(): Promise<void>;
  /** Present when several runners share the state (shared.ts): claims and account slots. */
  readonly shared?: SharedState;
}

export { StateError, isStateError, type StateErrorCode } from './errors.js';
