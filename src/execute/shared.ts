/**
 * The executor's side of a shared store (state/shared.ts). A runner claims a job only once it holds an
 * account slot, so claimed work never queues behind one runner's slots while another runner's sit idle:
 *
 *   wait   another runner holds the job's claim: wait for its result and download that video (pay nothing)
 *   queue  nobody holds it: the job waits in this runner's queue, by priority, for an account slot
 *   claim  slot in hand: claim the fingerprint. Taken meanwhile by another runner → give the slot back, wait.
 *          Mine → render it, or resume the attempt the claim came with (a dead runner's: reconciled, never
 *          sent twice). The slot is held until the job is final at the API, so every runner together
 *          stays within the accounts' maxJobs.
 */
import { sep } from 'node:path';
import type { LockEntry, PlannedJob } from '../model.js';
import type { SharedState, SlotLease } from '../state/shared.js';
import type { PendingJob } from '../state/store.js';
import { isDiskError } from '../state/fs.js';
import type { RunContext } from './context.js';
import type { Downloads } from './downloads.js';
import type { JobRun } from './registry.js';
import { finishFromLock } from './restore.js';

/** While another runner holds the job: its result is this job's (`settled`), or nobody holds it (`free`). */
export async function waitForOthers(c: RunContext, downloads: Downloads, shared: SharedState, run: JobRun): Promise<'free' | 'settled'> {
  const { planned } = run;
  const waited = await shared.waitForClaim(planned.id, planned.fingerprint, c.o.signal, (runner) =>
    c.registry.setState(run, 'queued', { message: `rendered by runner ${runner}; waiting for its result` }),
  );
  switch (waited.kind) {
    case 'completed':
      await adoptCompletion(c, downloads, run, waited.entry);
      return 'settled';
    case 'failed':
      c.registry.settle(run, { kind: 'render-failed', status: waited.status ?? -1, result: 'failed', message: `rendered by another runner: ${waited.reason}` });
      return 'settled';
    case 'stopped':
      c.registry.settle(run, { kind: 'interrupted' });
      return 'settled';
    case 'free':
      return 'free';
  }
}

/** What a claim taken with a slot in hand gives. */
export type SlotClaim = { kind: 'held' } | { kind: 'completed'; entry: LockEntry } | { kind: 'mine'; pending?: PendingJob };

/** Claims the job's fingerprint (an account slot is held). */
export async function claimInSlot(c: RunContext, shared: SharedState, planned: PlannedJob): Promise<SlotClaim> {
  const claim = await shared.claim(planned.id, planned.fingerprint);
  if (claim.kind === 'held') return { kind: 'held' };
  for (const id of claim.claimedVideoIds) c.claims.claim(id);
  if (claim.completed) return { kind: 'completed', entry: claim.completed };
  const pending = claim.pending;
  // Taken over with only an intent: its writer may still send the POST until its deadline, and that POST
  // may take the grace to land; the store says how long that is on the database's clock (no runner's clock
  // is compared with another's). The slot stays held meanwhile: that POST may have started a job at the API.
  const wait = pending && !pending.videoId ? (claim.settleAfterMs ?? 0) : 0;
  if (wait > 0) await c.clock.sleep(wait, c.o.signal).catch(() => undefined);
  return { kind: 'mine', ...(pending ? { pending } : {}) };
}

/** Another runner's render of this very job: download it and record the same lock entry. */
export async function adoptCompletion(c: RunContext, downloads: Downloads, run: JobRun, entry: LockEntry): Promise<void> {
  c.registry.setState(run, 'downloading', { videoId: entry.videoId });
  const fresh = await c.o.api.getVideo(entry.videoId).catch(() => null);
  try {
    await downloads.fetch(run, fresh?.url ?? entry.url, entry.size, entry.sha256);
  } catch (error) {
    const why = isDiskError(error) || error instanceof Error ? (error as Error).message : String(error);
    c.registry.settle(run, { kind: 'download-failed', message: `download of another runner's render: ${why}`, recorded: true }, { videoId: entry.videoId });
    return;
  }
  // The render is this job's output now, wherever the other runner kept it (a copy set aside, another path).
  c.lock.set(run.planned.id, { ...entry, output: run.planned.job.output.split(sep).join('/') });
  c.touched.add(run.planned.id);
  finishFromLock(c, run, 'done');
}

/** An account slot that can be given back and taken again (a claimed job gives it back while it uploads). */
export class HeldSlot {
  private constructor(
    private readonly shared: SharedState,
    private readonly job: string,
    private readonly signal: AbortSignal | undefined,
    private lease: SlotLease | undefined,
    /** The account the job's POST must go to, when its source video decides it. */
    private readonly pinned: string | undefined,
  ) {}

  /** The account of the slot held: the POST names it, so it lands where the slot was counted. */
  get account(): string | undefined {
    return this.lease?.account;
  }

  /**
   * A slot for the job, or `held` when another runner claims its fingerprint first (`fingerprint`), or
   * `stopped`. Without known accounts there are no slot rows: a slot with nothing to hold.
   */
  static async take(shared: SharedState, job: string, fingerprint: string | undefined, signal?: AbortSignal, account?: string): Promise<HeldSlot | 'held' | 'stopped'> {
    const turn = await shared.slotFor(job, fingerprint, signal, account);
    switch (turn.kind) {
      case 'slot':
        return new HeldSlot(shared, job, signal, turn.lease, account);
      case 'none':
        return new HeldSlot(shared, job, signal, undefined, account);
      case 'held':
        return 'held';
      case 'stopped':
        return 'stopped';
    }
  }

  /** Runs `task` with the slot given back, then takes one again (the job's claim is this runner's meanwhile). */
  async without<T>(task: () => Promise<T>): Promise<T> {
    if (!this.lease) return task();
    await this.release();
    const result = await task();
    this.lease = await this.shared.takeSlot(this.job, this.signal, this.pinned);
    return result;
  }

  async release(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release().catch(() => undefined);
  }
}

/** Runs `task` holding an account slot lease (when the store is shared and knows the accounts). */
export async function withSlot<T>(c: RunContext, run: JobRun, task: () => Promise<T | undefined>): Promise<T | undefined> {
  const shared = c.o.store.shared;
  if (!shared) return task();
  const slot = await HeldSlot.take(shared, run.planned.id, undefined, c.o.signal);
  if (!(slot instanceof HeldSlot)) return c.registry.settle(run, { kind: 'interrupted' });
  try {
    return await task();
  } finally {
    await slot.release();
  }
}
