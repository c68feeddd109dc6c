/**
 * Settling an unknown outcome by hand: a submit whose POST may have created a job that the API's answers
 * cannot identify stays open (reconcile never guesses). The user, having looked at the candidates, either
 * adopts one video as the job's (`submitted`) or declares that the POST created nothing (`abandoned`,
 * so the next render submits the job again).
 */
import { jobId, type Fingerprint } from '../model.js';
import { openStore, type StoreOptions } from './open-store.js';

export type SettleAction = { kind: 'adopt'; job: string; videoId: string } | { kind: 'abandon'; job: string };

export type SettleResult =
  | { ok: true }
  | {
      ok: false;
      /** no-open-attempt: nothing unknown for that job; known: the attempt already has its video; claimed: the video is another job's. */
      problem: 'no-open-attempt' | 'known' | 'claimed';
      message: string;
    };

/** `options` choose the store as a render would (the config's `store`, $PIXRENDER_STORE). */
export async function settleAttempt(manifestFile: string, action: SettleAction, options: StoreOptions = {}): Promise<SettleResult> {
  const store = await openStore(manifestFile, options);
  try {
    const snapshot = await store.load();
    const pending = snapshot.pending.get(action.job);
    if (!pending) return { ok: false, problem: 'no-open-attempt', message: `${action.job} has no submit whose outcome is unknown` };
    if (pending.videoId) return { ok: false, problem: 'known', message: `${action.job} was already submitted as ${pending.videoId}; nothing to settle` };
    const at = new Date().toISOString();
    const job = jobId(action.job);
    const fingerprint = pending.fingerprint as Fingerprint;
    if (action.kind === 'abandon') {
      await store.append({ type: 'abandoned', job, fingerprint, reason: 'settled by hand: the submit created nothing', replyRef: pending.replyRef, at });
      return { ok: true };
    }
    const owner = Object.entries(snapshot.lock.jobs).find(([, e]) => e.videoId === action.videoId)?.[0];
    if (owner !== undefined || snapshot.claimedVideoIds?.has(action.videoId)) {
      return { ok: false, problem: 'claimed', message: `${action.videoId} is already recorded as ${owner ?? 'another job'}'s video` };
    }
    await store.append({ type: 'submitted', job, fingerprint, videoId: action.videoId, replyRef: pending.replyRef, at });
    return { ok: true };
  } finally {
    await store.close();
  }
}
