/**
 * Which videos belong to which job, for the whole run: ids in the lock file, in the journal's submitted
 * records, and adopted or returned in this run are claimed, and a claimed video never matches another
 * attempt. Attempts whose POST has not answered yet are listed too, so a video that one of them may have
 * created is not taken by another. Lookups are serialised, so two reconciles cannot adopt the same video.
 */
import type { AttemptRequest, ClaimView } from './reconcile.js';

export class VideoClaims implements ClaimView {
  private readonly claimed = new Set<string>();
  private readonly open = new Map<string, AttemptRequest>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(known: Iterable<string> = []) {
    for (const id of known) this.claimed.add(id);
  }

  isClaimed(videoId: string): boolean {
    return this.claimed.has(videoId);
  }

  claim(videoId: string): void {
    this.claimed.add(videoId);
  }

  /** An attempt whose outcome is not known yet (from just before its POST until it is settled). */
  opened(attempt: AttemptRequest): void {
    this.open.set(attempt.replyRef, attempt);
  }

  closed(replyRef: string): void {
    this.open.delete(replyRef);
  }

  openAttempts(except: string): AttemptRequest[] {
    return [...this.open.values()].filter((a) => a.replyRef !== except);
  }

  /** Runs lookups one at a time: a video adopted by one is claimed before the next looks. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
