/**
 * Journal state by job version: a job's attempts and results are told apart by its fingerprint, so an edit
 * that goes back to a version (A → B → A), or another checkout rendering another version of the same job
 * in a shared store, never makes a run pay again for a render it has, or take another version's render.
 */
import type { JobId, LockEntry, LockFile } from '../model.js';
import { jobTable, portableOutputPath } from './lock-file.js';
import type { JournalRecord, PendingJob, StateSnapshot } from './store.js';

/** The key of a job version in maps. */
export const versionKey = (job: string, fingerprint: string): string => `${job}\u0000${fingerprint}`;

/** Where open attempts are: the latest per job, and those replaced while still open. */
export interface OpenState {
  pending: ReadonlyMap<string, PendingJob>;
  superseded?: readonly PendingJob[];
}

/** Every open attempt: the latest per job and those a newer intent replaced while they were still open. */
export function openAttempts(snapshot: OpenState): PendingJob[] {
  return [...snapshot.pending.values(), ...(snapshot.superseded ?? [])];
}

/** The open attempt of this job version, if any: the latest with a known video, else the latest. */
export function openAttemptOf(snapshot: OpenState, job: string, fingerprint: string): PendingJob | undefined {
  const mine = openAttempts(snapshot).filter((p) => p.job === job && p.fingerprint === fingerprint);
  const newest = (list: PendingJob[]) => list.sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : 0))[0];
  return newest(mine.filter((p) => p.videoId !== undefined)) ?? newest(mine);
}

export interface WantedJob {
  id: string;
  fingerprint: string;
  /** The job's output path (relative to the manifest folder, or absolute). */
  output: string;
}

/** For each job, the open attempt of the version asked for (what `plan` shows in flight and `render` resumes). */
export function openForVersions(snapshot: OpenState, jobs: readonly WantedJob[]): Map<string, PendingJob> {
  return new Map(jobs.flatMap((j) => {
    const open = openAttemptOf(snapshot, j.id, j.fingerprint);
    return open ? [[j.id, open] as const] : [];
  }));
}

/**
 * The lock a checkout plans and renders from: each job's entry of the version its manifest asks for, from
 * the lock or from any completion the journal knows (an earlier version, a render kept aside, another
 * checkout's render of the same request), else what the lock holds (then the job is stale). A completion of
 * another version never replaces the checkout's own entry.
 */
export function lockForVersions(snapshot: Pick<StateSnapshot, 'lock' | 'results'>, jobs: readonly WantedJob[], manifestDir: string): LockFile {
  const table = jobTable(Object.entries(snapshot.lock.jobs));
  for (const job of jobs) {
    const current = Object.hasOwn(table, job.id) ? table[job.id] : undefined;
    if (current?.fingerprint === job.fingerprint) continue;
    const result = snapshot.results?.get(versionKey(job.id, job.fingerprint));
    // The render is this job's output now, wherever it was kept: a missing file is downloaded again.
    if (result) table[job.id] = { ...result, output: portableOutputPath(job.output, manifestDir) } satisfies LockEntry;
  }
  return { version: 1, jobs: table };
}

/**
 * The journal records that keep, as their version's results, the entries of `before` that `after` replaces
 * with another version: appended before the lock that drops them is written, so a manifest that goes back
 * to that version finds its render.
 */
export function displacedEntries(before: LockFile, after: LockFile): JournalRecord[] {
  return Object.entries(before.jobs).flatMap(([job, entry]) => {
    const now = Object.hasOwn(after.jobs, job) ? after.jobs[job] : undefined;
    if (!now || now.fingerprint === entry.fingerprint) return [];
    return [{ type: 'completed', job: job as JobId, fingerprint: entry.fingerprint, entry, superseded: true, at: entry.completedAt } satisfies JournalRecord];
  });
}
