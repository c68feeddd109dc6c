/**
 * What a store shared by several runners (machines, CI jobs, checkouts) adds to the StateStore: leases.
 * A lease belongs to a runner and lives while the runner's heartbeat is fresh; a runner killed -9 loses
 * them when its heartbeat is older than the lease time, and whoever takes one over finds the attempt
 * that runner recorded in the shared journal, so it reconciles instead of submitting again.
 *   claim   one per job fingerprint: only its holder submits that render; the others wait for its result.
 *           It carries a fencing token: the holder's journal writes for the job are refused once another
 *           runner has taken it over (`lease-lost`), and a runner told so waits for the new holder's result.
 *   slot    one per account slot (maxJobs rows per account): held from before the POST until the job is
 *           final, so all runners together never start more jobs than the accounts allow.
 */
import type { LockEntry } from '../model.js';
import type { PendingJob } from './store.js';

/** What became of a claim request. */
export type ClaimResult =
  | {
      kind: 'mine';
      /** The job's open attempt for this fingerprint in the shared journal (a dead runner's, or an earlier run's). */
      pending?: PendingJob;
      /**
       * With an open attempt that has only an intent: how long until no POST of it can still be on its way
       * (its writer's deadline plus the grace, on the database's clock). Reconcile it only after that.
       */
      settleAfterMs?: number;
      /** Already rendered (by anyone) with this fingerprint: download it, submit nothing. */
      completed?: LockEntry;
      /** Every video id the shared journal gives to some job, for reconcile. */
      claimedVideoIds: ReadonlySet<string>;
    }
  | { kind: 'held'; runner: string };

/** What a runner waiting on another's claim learns. */
export type ClaimWait =
  | { kind: 'completed'; entry: LockEntry }
  | { kind: 'failed'; reason: string; status?: number }
  /** The claim was released or its lease expired without a result: claim again. */
  | { kind: 'free' }
  | { kind: 'stopped' };

export interface SlotLease {
  account: string;
  release(): Promise<void>;
}

/** A wait for an account slot on behalf of one job. */
export type SlotTurn =
  | { kind: 'slot'; lease: SlotLease }
  /** Another runner claimed the job meanwhile: wait for its result instead. */
  | { kind: 'held'; runner: string }
  /** No slot rows (the accounts are not known): nothing to hold. */
  | { kind: 'none' }
  | { kind: 'stopped' };

export interface Account {
  email: string;
  maxJobs: number;
}

export interface RunnerView {
  id: string;
  host: string;
  pid: number;
  manifest: string;
  startedAt: string;
  /** Seconds since its last heartbeat. */
  heartbeatAgeSeconds: number;
  /** Live: the heartbeat is younger than the lease time. */
  live: boolean;
  claims: string[];
  slots: { account: string; job: string }[];
}

/** What one runner's GET scheduler/available saw: the jobs executing on those accounts. */
export interface SchedulerLook {
  accounts: string[];
  executing: string[];
  /** How long the request took: a job watched since before (now − tookMs) existed when it was asked. */
  tookMs: number;
}

export interface SharedState {
  /** The runner this store speaks for. */
  readonly runner: string;
  /** Creates the account slot rows (maxJobs per account). */
  useAccounts(accounts: readonly Account[]): Promise<void>;
  claim(job: string, fingerprint: string): Promise<ClaimResult>;
  /**
   * Waits until the holder of a fingerprint's claim settles it, or loses it; `free` at once when nobody live
   * holds it. `onWait` hears the holder once, when there is one to wait for.
   */
  waitForClaim(job: string, fingerprint: string, signal?: AbortSignal, onWait?: (runner: string) => void): Promise<ClaimWait>;
  release(job: string, fingerprint: string): Promise<void>;
  /** Waits for a free account slot (on `account` when the job's POST must go there). */
  takeSlot(job: string, signal?: AbortSignal, account?: string): Promise<SlotLease | undefined>;
  /**
   * Waits for a free account slot for a job, unless another runner claims that fingerprint first. `account`:
   * only a slot of that account (the POST goes to the account inside its source video's id).
   */
  slotFor(job: string, fingerprint: string | undefined, signal?: AbortSignal, account?: string): Promise<SlotTurn>;
  /**
   * Just before the POST of the intent last written for this job: false when this runner's hold may have
   * lapsed since that write (a pause, a suspended machine: the lease time has passed on this machine's
   * monotonic or wall clock), so the POST must not be sent.
   */
  mayPost(job: string, fingerprint: string): boolean;
  runners(): Promise<RunnerView[]>;
  /**
   * Poll results shared: each runner tells the others what its scheduler look saw, so a job of theirs
   * that left the executing list is confirmed at once instead of at their own next tick (runners poll out
   * of phase, and the API's rate limit is per token, not per runner). Best effort: a lost one costs a tick.
   */
  publishLook(look: SchedulerLook): void;
  onLook(listener: (look: SchedulerLook) => void): void;
}
