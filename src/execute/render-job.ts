/**
 * The render path of one job: resume an attempt an earlier run left open (never submit it again), else
 * resolve inputs, reserve its credits, submit once (submit.ts), hold a slot until the video is final,
 * then hand it to the downloads. With a shared store the slot comes first and the claim second
 * (shared.ts), so a runner claims only work it can start now.
 */
import type { VideoObject } from '../api/protocol.js';
import { videoOutcome } from '../api/protocol.js';
import { resumeAttempt } from './attempts.js';
import type { RunContext } from './context.js';
import type { Downloads } from './downloads.js';
import { outcomeOfError, unreachable } from './outcome.js';
import type { JobRun } from './registry.js';
import { adoptCompletion, claimInSlot, HeldSlot, waitForOthers, withSlot } from './shared.js';
import type { LockEntry } from '../model.js';
import { isStateError } from '../state/errors.js';
import type { SharedState } from '../state/shared.js';
import type { PendingJob } from '../state/store.js';
import { openAttemptOf } from '../state/versions.js';
import { submitOnce } from './submit.js';

/** What a job's turn in the local queue came to, with a shared store. */
type SharedTurn = { kind: 'held' } | { kind: 'completed'; entry: LockEntry } | { kind: 'video'; video: VideoObject } | { kind: 'settled' };

export class JobRenderer {
  constructor(
    private readonly c: RunContext,
    private readonly downloads: Downloads,
  ) {}

  async render(run: JobRun): Promise<void> {
    const { o } = this.c;
    const shared = o.mode === 'render' ? o.store.shared : undefined;
    if (!shared) return this.renderFrom(run, openAttemptOf(o.snapshot, run.planned.id, run.planned.fingerprint));
    // Shared state: only the holder of the job's claim renders it; the journal it returns is the truth.
    try {
      await this.renderShared(run, shared);
    } finally {
      await shared.release(run.planned.id, run.planned.fingerprint).catch(() => undefined);
    }
  }

  private async renderShared(run: JobRun, shared: SharedState): Promise<void> {
    for (;;) {
      if ((await waitForOthers(this.c, this.downloads, shared, run)) === 'settled') return;
      this.c.registry.setState(run, 'queued');
      try {
        const turn = await this.c.queue.add(() => this.sharedTurn(run, shared), { priority: run.planned.remainingPathSeconds });
        switch (turn?.kind) {
          case 'held':
            continue;
          case 'completed':
            return await adoptCompletion(this.c, this.downloads, run, turn.entry);
          case 'video':
            return await this.downloads.finish(run, turn.video);
          case 'settled':
          case undefined:
            return;
          default:
            return unreachable(turn);
        }
      } catch (error) {
        // The claim moved on while this runner was away (paused, cut off): nothing more is sent or recorded
        // for it here; the new holder's result is this job's, as for any waiter.
        if (!isStateError(error, 'lease-lost')) throw error;
        this.c.o.onEvent?.({ type: 'warning', at: this.c.nowIso(), id: run.planned.id, message: error.message });
      }
    }
  }

  /** In the local queue: an account slot first, then the claim; the slot is held until the job is final at the API. */
  private async sharedTurn(run: JobRun, shared: SharedState): Promise<SharedTurn> {
    const pinned = await this.c.inputs.sourceAccount(run.planned.job.inputs);
    const slot = await HeldSlot.take(shared, run.planned.id, run.planned.fingerprint, this.c.o.signal, pinned);
    if (slot === 'held') return { kind: 'held' };
    if (slot === 'stopped') {
      this.c.registry.settle(run, { kind: 'interrupted' });
      return { kind: 'settled' };
    }
    try {
      const claim = await claimInSlot(this.c, shared, run.planned);
      if (claim.kind !== 'mine') return claim;
      const video = await this.renderClaimed(run, claim.pending, (task) => slot.without(task), () => slot.account);
      return video ? { kind: 'video', video } : { kind: 'settled' };
    } finally {
      await slot.release();
    }
  }

  /**
   * A claimed job, in its slot: resume its open attempt, else submit it. Uploads run through `uploading`,
   * which gives the slot back meanwhile (nothing renders at the API while a file is sent).
   */
  private async renderClaimed(
    run: JobRun,
    pending: PendingJob | undefined,
    uploading: <T>(task: () => Promise<T>) => Promise<T>,
    slotAccount: () => string | undefined,
  ): Promise<VideoObject | undefined> {
    const resumed = await this.resume(run, pending);
    if (resumed.kind === 'video') return this.waitFinal(run, resumed.videoId);
    if (resumed.kind === 'settled' || this.refused(run)) return undefined;
    const needsUpload = Object.values(run.planned.job.inputs).some((ref) => ref.type !== 'job-video');
    const body = await (needsUpload ? uploading(() => this.requestBody(run)) : this.requestBody(run));
    // After an upload the slot was taken again, maybe on another account: the one held now is named.
    return this.submitAndWait(run, body, slotAccount());
  }

  private async renderFrom(run: JobRun, pending: PendingJob | undefined): Promise<void> {
    const { planned } = run;
    const resumed = await this.resume(run, pending);
    if (resumed.kind === 'video') return this.collect(run, resumed.videoId);
    if (resumed.kind === 'settled' || this.refused(run)) return;
    const body = await this.requestBody(run);
    this.c.registry.setState(run, 'queued');
    const video = await this.c.queue.add(() => withSlot(this.c, run, () => this.submitAndWait(run, body)), { priority: planned.remainingPathSeconds });
    if (video) await this.downloads.finish(run, video);
  }

  /** An attempt an earlier run (or a dead runner) left open: its video, or settled as unknown, or absent (submit). */
  private async resume(run: JobRun, pending: PendingJob | undefined): Promise<{ kind: 'video'; videoId: string } | { kind: 'settled' } | { kind: 'absent' }> {
    const { planned } = run;
    if (!pending || pending.fingerprint !== planned.fingerprint) return { kind: 'absent' };
    const resumed = await resumeAttempt(this.c.attempts, pending, planned.job.params, Object.keys(planned.job.inputs).length);
    switch (resumed.kind) {
      case 'video':
        return resumed;
      case 'unknown':
        this.c.registry.settle(run, { kind: 'unknown-outcome', candidates: resumed.candidates, detail: resumed.detail });
        return { kind: 'settled' };
      case 'absent':
        return resumed;
      default:
        return unreachable(resumed);
    }
  }

  /** The gates that stop a new submission; settles the job and says true when one is shut. */
  private refused(run: JobRun): boolean {
    const { o, registry, gate } = this.c;
    if (o.mode === 'collect') registry.settle(run, { kind: 'not-submitted' });
    else if (gate.noCredits) registry.settle(run, { kind: 'no-credits' });
    else if (o.signal?.aborted) registry.settle(run, { kind: 'interrupted' });
    else if (gate.noWaitSlots <= 0) registry.settle(run, { kind: 'no-slot' });
    else return false;
    return true;
  }

  /** The POST body: the job's parameters with its run-time inputs resolved (uploads). */
  private async requestBody(run: JobRun): Promise<Record<string, unknown>> {
    const { planned } = run;
    const { registry, gate } = this.c;
    registry.setState(run, 'uploading');
    const fields = await this.c.inputs.resolve(planned.job.inputs);
    const body: Record<string, unknown> = { ...planned.job.params, ...fields };
    if (planned.offPeak) body.off_peak_mode = true;
    if (gate.replyUrl) body.replyUrl = gate.replyUrl;
    return body;
  }

  /** A job submitted earlier: wait for it in a slot (it holds one at the API), then download it. */
  private async collect(run: JobRun, videoId: string): Promise<void> {
    const video = await this.c.queue.add(() => withSlot(this.c, run, () => this.waitFinal(run, videoId)), { priority: run.planned.remainingPathSeconds });
    if (video) await this.downloads.finish(run, video);
  }

  private async submitAndWait(run: JobRun, body: Record<string, unknown>, slotAccount?: string): Promise<VideoObject | undefined> {
    const { planned } = run;
    const { o, registry, gate, budget } = this.c;
    if (gate.noCredits) return registry.settle(run, { kind: 'no-credits' });
    if (o.signal?.aborted) return registry.settle(run, { kind: 'interrupted' });
    const reserved = budget.reserve(planned.cost);
    if (!reserved.ok) return registry.settle(run, { kind: 'over-budget', limit: reserved.limit, committed: reserved.committed, estimate: reserved.estimate });
    registry.setState(run, 'submitting');
    // If this throws (a 401 while reconciling, the journal failing), a job may exist: the reservation stays.
    const result = await submitOnce(
      { ...this.c.submit, onRetry: (reason, delayMs) => o.onEvent?.({ type: 'retry', at: this.c.nowIso(), id: planned.id, reason, delayMs }) },
      { id: planned.id, fingerprint: planned.fingerprint, endpoint: planned.endpoint, credits: planned.cost, offPeak: planned.offPeak },
      body,
      slotAccount,
    );
    switch (result.kind) {
      case 'stopped':
        reserved.reservation.released();
        return registry.settle(run, { kind: 'interrupted' });
      case 'no-credits':
        reserved.reservation.released();
        gate.noCredits = true;
        return registry.settle(run, { kind: 'no-credits', message: result.error.apiMessage ?? result.error.message });
      case 'rejected':
        reserved.reservation.released();
        return registry.settle(run, outcomeOfError(result.error));
      case 'unknown':
        // The credits may be spent: the reservation is kept until the run ends.
        return registry.settle(run, { kind: 'unknown-outcome', candidates: result.candidates, detail: result.detail });
      case 'submitted':
        reserved.reservation.accepted(result.credits);
        if (result.credits !== undefined) run.charged = result.credits;
        gate.noWaitSlots--;
        if (o.noWait) return registry.settle(run, { kind: 'pending', videoId: result.videoId, reason: 'no-wait' }, { videoId: result.videoId });
        return this.waitFinal(run, result.videoId);
      default:
        return unreachable(result);
    }
  }

  /** Waits (holding a slot) until the job is final; returns the completed video, or undefined once settled otherwise. */
  private async waitFinal(run: JobRun, videoId: string): Promise<VideoObject | undefined> {
    const { planned } = run;
    const { o, registry, poller } = this.c;
    const scale = o.timeScale;
    const t = o.catalog.timing;
    // The plan's expected seconds already include the off-peak wait.
    const expectedMs = planned.expectedSeconds * 1000 * scale;
    const maxWaitMs = (planned.offPeak ? t.max_wait_off_peak_s : t.max_wait_normal_s + planned.expectedSeconds) * 1000 * scale;
    registry.setState(run, 'rendering', { videoId, etaSeconds: Math.round(expectedMs / 1000) });
    let video: VideoObject | 'timeout';
    try {
      video = await poller.watch(videoId, expectedMs, Math.max(maxWaitMs, expectedMs * 3), { offPeak: planned.offPeak });
    } catch (error) {
      return registry.settle(run, outcomeOfError(error), { videoId });
    }
    if (video === 'timeout') return registry.settle(run, { kind: 'pending', videoId, reason: 'still-rendering' }, { videoId });
    const result = videoOutcome(video);
    if (result !== 'completed') {
      const outcome = { kind: 'render-failed' as const, status: video.video_status, result, ...(video.error ? { message: video.error } : {}) };
      const reason = `${result}${video.error ? `: ${video.error}` : ''} (status ${video.video_status})`;
      await o.store.append({ type: 'failed', job: planned.id, fingerprint: planned.fingerprint, reason, status: video.video_status, at: this.c.nowIso() });
      return registry.settle(run, outcome, { videoId });
    }
    return video;
  }
}
