/**
 * Downloads of finished renders: a render is paid for, so a failed or truncated download is retried,
 * never re-rendered; a completed one is journaled and becomes the job's lock entry.
 */
import { sep } from 'node:path';
import { isApiError } from '../api/errors.js';
import { isStateError } from '../state/errors.js';
import type { VideoObject } from '../api/protocol.js';
import type { JobTemplates, LockEntry } from '../model.js';
import type { RunContext } from './context.js';
import type { JobRun } from './registry.js';

export class Downloads {
  constructor(private readonly c: RunContext) {}

  /** Downloads a completed video outside the generation slots, then records it. */
  async finish(run: JobRun, video: VideoObject): Promise<void> {
    const { registry, downloadQueue } = this.c;
    registry.setState(run, 'downloading', { videoId: video.video_id });
    run.video.resolve({ videoId: video.video_id, durationSeconds: video.video_duration ?? video.duration });
    try {
      await downloadQueue.add(() => this.complete(run, video));
    } catch (error) {
      // The claim moved on while this runner was away: the job is the new holder's (render-job.ts waits for it).
      if (isStateError(error, 'lease-lost')) throw error;
      const message = `download: ${error instanceof Error ? error.message : String(error)}`;
      registry.settle(run, { kind: 'download-failed', message, recorded: false }, { videoId: video.video_id });
    }
  }

  /** Fetches `url` to the job's output path, retrying transient failures (ApiError network/timeout/5xx). */
  async fetch(run: JobRun, url: string, expectedSize: number | undefined, expectedSha256?: string) {
    const { o, clock, tuning, submit } = this.c;
    // download() makes the folder itself, once it has checked where the folder really is.
    const dest = this.c.absolute(run.planned.job.output);
    for (let attempt = 1; ; attempt++) {
      try {
        return await o.api.download(url, dest, { ...(expectedSize !== undefined ? { expectedSize } : {}), ...(expectedSha256 ? { expectedSha256 } : {}) });
      } catch (error) {
        const retryable = isApiError(error, ['network', 'timeout', 'server']);
        if (!retryable || attempt >= tuning.downloadAttempts) throw error;
        const delayMs = Math.min(submit.busyBackoffMaxMs, Math.round(submit.busyBackoffMs * attempt));
        o.onEvent?.({ type: 'retry', at: this.c.nowIso(), id: run.planned.id, reason: `download: ${(error as Error).message}`, delayMs });
        await clock.sleep(delayMs);
      }
    }
  }

  private async complete(run: JobRun, video: VideoObject): Promise<void> {
    const { planned } = run;
    const { o } = this.c;
    const { sha256, size } = await this.fetch(run, video.url!, undefined);
    const params = { ...planned.job.params };
    const entry: LockEntry = {
      fingerprint: planned.fingerprint,
      kind: planned.kind,
      endpoint: planned.endpoint,
      params,
      ...(typeof params.seed === 'number' ? { seed: params.seed } : {}),
      videoId: video.video_id,
      url: video.url!,
      output: planned.job.output.split(sep).join('/'),
      sha256,
      size,
      // A job collected from an earlier run was paid for then: its cost is the journaled one.
      credits: run.charged ?? planned.inFlight?.credits ?? planned.cost,
      plannedCredits: planned.inFlight?.credits ?? planned.cost,
      offPeak: planned.offPeak,
      ...(planned.job.templates ? { templates: lockTemplates(planned.job.templates) } : {}),
      ...(o.backendKind ? { backend: o.backendKind } : {}),
      submittedAt: video.created_at ?? this.c.nowIso(),
      completedAt: this.c.nowIso(),
    };
    // A shared store may already hold this video's completion (another runner took the job over while
    // this one was paused): its entry is the one recorded, so every checkout's lock is the same.
    const kept = await o.store.complete({ type: 'completed', job: planned.id, fingerprint: planned.fingerprint, entry, at: this.c.nowIso() });
    this.c.lock.set(planned.id, kept);
    this.c.touched.add(planned.id);
    run.output.resolve({ videoId: video.video_id, file: this.c.absolute(entry.output), durationSeconds: video.video_duration ?? video.duration });
    this.c.registry.setState(run, 'done', { videoId: video.video_id, output: kept.output, sha256 });
  }
}

/** The lock keeps each template's id and name (not its price or duration: those are the list's). */
function lockTemplates(t: JobTemplates): NonNullable<LockEntry['templates']> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { id: v.id, name: v.name }]));
}
