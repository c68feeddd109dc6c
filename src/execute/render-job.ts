/**
 * The render path of one job: resume an attempt an earlier run left open (never submit it again), else
 * resolve inputs, reserve its credits, submit once (submit.ts), hold a slot until the video is final,
 * then hand it to the downloads.
 */
import type { VideoObject } from '../api/protocol.js';
import { videoOutcome } from '../api/protocol.js';
import { resumeAttempt } from './attempts.js';
import type { RunContext } from './context.js';
import type { Downloads } from './downloads.js';
import { outcomeOfError, unreachable } from './outcome.js';
import type { JobRun } from './registry.js';
import { claimJob, withSlot } from './shared.js';
import type { PendingJob } from '../state/store.js';
import { submitOnce } from './submit.js';

export class JobRenderer {
  constructor(
    private readonly c: RunContext,
    private readonly downloads: Downloads,
  ) {}

  async render(run: JobRun): Promise<void> {
    const { o } = this.c;
    const shared = o.mode === 'render' ? o.store.shared : undefined;
    if (!shared) return this.renderFrom(run, o.snapshot.pending.get(run.planned.id));
    // Shared state: only the holder of the job's claim renders it; the journal it returns is the truth.
    try {
      const start = await claimJob(this.c, this.downloads, shared, run);
      if (start.kind === 'render') await this.renderFrom(run, start.pending);
    } finally {
      await shared.release(run.planned.id, run.planned.fingerprint).catch(() => undefined);
    }
  }

  private async renderFrom(run: JobRun, pending: PendingJob | undefined): Promise<void> {
    const { planned } = run;
    const { o, registry, gate } = this.c;
    if (pending && pending.fingerprint === planned.fingerprint) {
      const resumed = await resumeAttempt(this.c.attempts, pending, planned.job.params, Object.keys(planned.job.inputs).length);
      switch (resumed.kind) {
        case 'video':
          return this.collect(run, resumed.videoId);
        case 'unknown':
          return registry.settle(run, { kind: 'unknown-outcome', candidates: resumed.candidates, detail: resumed.detail });
        case 'absent':
          break;
        default:
          return unreachable(resumed);
      }
    }
    if (o.mode === 'collect') return registry.settle(run, { kind: 'not-submitted' });
    if (gate.noCredits) return registry.settle(run, { kind: 'no-credits' });
    if (o.signal?.aborted) return registry.settle(run, { kind: 'interrupted' });
    if (gate.noWaitSlots <= 0) return registry.settle(run, { kind: 'no-slot' });
    registry.setState(run, 'uploading');
    const fields = await this.c.inputs.resolve(planned.job.inputs);
    const body: Record<string, unknown> = { ...planned.job.params, ...fields };
    if (planned.offPeak) body.off_peak_mode = true;
    if (gate.replyUrl) body.replyUrl = gate.replyUrl;
    registry.setState(run, 'queued');
    const video = await this.c.queue.add(() => withSlot(this.c, run, () => this.submitAndWait(run, body)), { priority: planned.remainingPathSeconds });
    if (video) await this.downloads.finish(run, video);
  }

  /** A job submitted earlier: wait for it in a slot (it holds one at the API), then download it. */
  private async collect(run: JobRun, videoId: string): Promise<void> {
    const video = await this.c.queue.add(() => withSlot(this.c, run, () => this.waitFinal(run, videoId)), { priority: run.planned.remainingPathSeconds });
    if (video) await this.downloads.finish(run, video);
  }

  private async submitAndWait(run: JobRun, body: Record<string, unknown>): Promise<VideoObject | undefined> {
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
