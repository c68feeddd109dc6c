/**
 * The executor's side of a shared store (state/shared.ts): before rendering a job, claim its
 * fingerprint; while another runner holds the claim, wait for its result and download that video
 * instead of paying again. A claim taken over from a runner that died comes with the attempt it
 * recorded, which is resumed (reconciled), never submitted again. Account slots are held from before
 * the POST until the job is final, so every runner together stays within the accounts' maxJobs.
 */
import type { LockEntry } from '../model.js';
import type { ClaimResult, SharedState } from '../state/shared.js';
import type { PendingJob } from '../state/store.js';
import { isDiskError } from '../state/fs.js';
import type { RunContext } from './context.js';
import type { Downloads } from './downloads.js';
import type { JobRun } from './registry.js';
import { finishFromLock } from './restore.js';

/** Rendering may go on (with the attempt to resume, if any), or the job was settled here. */
export type ClaimStart = { kind: 'render'; pending?: PendingJob } | { kind: 'settled' };

export async function claimJob(c: RunContext, downloads: Downloads, shared: SharedState, run: JobRun): Promise<ClaimStart> {
  const { planned } = run;
  for (;;) {
    const claim: ClaimResult = await shared.claim(planned.id, planned.fingerprint);
    if (claim.kind === 'mine') {
      for (const id of claim.claimedVideoIds) c.claims.claim(id);
      if (claim.completed) {
        await adoptCompletion(c, downloads, run, claim.completed);
        return { kind: 'settled' };
      }
      const pending = claim.pending;
      // Taken over with only an intent: the dead runner's POST may still be on its way; give it time to land.
      if (pending && !pending.videoId) {
        const wait = Date.parse(pending.since) + shared.postGraceMs - c.clock.now();
        if (wait > 0) await c.clock.sleep(wait, c.o.signal).catch(() => undefined);
      }
      return { kind: 'render', ...(pending ? { pending } : {}) };
    }
    c.registry.setState(run, 'queued', { message: `rendered by runner ${claim.runner}; waiting for its result` });
    const waited = await shared.waitForClaim(planned.id, planned.fingerprint, c.o.signal);
    switch (waited.kind) {
      case 'completed':
        await adoptCompletion(c, downloads, run, waited.entry);
        return { kind: 'settled' };
      case 'failed':
        c.registry.settle(run, { kind: 'render-failed', status: waited.status ?? -1, result: 'failed', message: `rendered by another runner: ${waited.reason}` });
        return { kind: 'settled' };
      case 'stopped':
        c.registry.settle(run, { kind: 'interrupted' });
        return { kind: 'settled' };
      case 'free':
        continue;
    }
  }
}

/** Another runner's render of this very job: download it and record the same lock entry. */
async function adoptCompletion(c: RunContext, downloads: Downloads, run: JobRun, entry: LockEntry): Promise<void> {
  c.registry.setState(run, 'downloading', { videoId: entry.videoId });
  const fresh = await c.o.api.getVideo(entry.videoId).catch(() => null);
  try {
    await downloads.fetch(run, fresh?.url ?? entry.url, entry.size, entry.sha256);
  } catch (error) {
    const why = isDiskError(error) || error instanceof Error ? (error as Error).message : String(error);
    c.registry.settle(run, { kind: 'download-failed', message: `download of another runner's render: ${why}`, recorded: true }, { videoId: entry.videoId });
    return;
  }
  c.lock.set(run.planned.id, entry);
  c.touched.add(run.planned.id);
  finishFromLock(c, run, 'done');
}

/** Runs `task` holding an account slot lease (when the store is shared and knows the accounts). */
export async function withSlot<T>(c: RunContext, run: JobRun, task: () => Promise<T | undefined>): Promise<T | undefined> {
  const shared = c.o.store.shared;
  if (!shared) return task();
  const lease = await shared.takeSlot(run.planned.id, c.o.signal);
  if (!lease && c.o.signal?.aborted) return c.registry.settle(run, { kind: 'interrupted' });
  try {
    return await task();
  } finally {
    await lease?.release().catch(() => undefined);
  }
}
