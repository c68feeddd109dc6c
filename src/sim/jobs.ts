/**
 * Simulated jobs and their lifecycle: 5 QUEUED (after an off-peak wait, if any) → 10 GENERATING →
 * 1 COMPLETED, 7 MODERATED or 8 FAILED, paced by the injected Clock. A job holds one slot of its account
 * while it runs and gives it back when it ends, is deleted, or is dropped from the scheduler.
 */
import type { Endpoint } from '../catalog.js';
import type { Clock } from '../clock.js';
import { VideoStatus } from '../api/protocol.js';

export type Outcome = 'completed' | 'moderated' | 'failed';

export interface JobOutput {
  width: number;
  height: number;
  /** Seconds of video. */
  duration: number;
  quality: string;
  aspectRatio: string;
  upscaled: boolean;
  originalVideoId?: string;
}

/** Everything decided at submit time. */
export interface JobInit {
  endpoint: Endpoint;
  email: string;
  accountId: number;
  offPeak: boolean;
  credits: number;
  /** Seconds in QUEUED and in total (queue + generation), before the time scale. */
  queueSeconds: number;
  totalSeconds: number;
  outcome: Outcome;
  output: JobOutput;
  /** Request fields echoed in the video object (prompt, model, seed, …). */
  fields: Record<string, unknown>;
  replyUrl?: string;
  replyRef?: string;
  /** Whether the job took a slot at submit (off-peak jobs may wait without one). */
  holdsSlot: boolean;
}

/** When each phase starts, in clock milliseconds (fixed at submit, so a reloaded job resumes on time). */
export interface Schedule {
  queuedAt: number;
  generatingAt: number;
  endsAt: number;
}

export interface SimJob extends JobInit {
  videoId: string;
  numericId: string;
  status: number;
  createdAt: number;
  schedule: Schedule;
  finishedAt?: number;
  /** Still followed by the scheduler: counts against capacity (while holding a slot) and sends callbacks. */
  tracked: boolean;
  deleted: boolean;
  timeline: AbortController;
}

export interface JobHooks {
  acquire(email: string): void;
  release(email: string): void;
  /** Called after every status change, including the initial QUEUED; `job.tracked` says whether callbacks go out. */
  statusChanged(job: SimJob): void;
}

export interface LifecycleSettings {
  clock: Clock;
  timeScale: number;
  offPeakWaitSeconds: number;
}

export const isFinal = (status: number): boolean =>
  status === VideoStatus.COMPLETED || status === VideoStatus.MODERATED || status === VideoStatus.FAILED;

const OUTCOME_STATUS: Record<Outcome, number> = {
  completed: VideoStatus.COMPLETED,
  moderated: VideoStatus.MODERATED,
  failed: VideoStatus.FAILED,
};

export class JobBoard {
  private readonly byId = new Map<string, SimJob>();
  private readonly byNumericId = new Map<string, SimJob>();
  private readonly submitted: SimJob[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly settings: LifecycleSettings,
    private readonly hooks: JobHooks,
    private readonly newVideoId: (email: string) => { videoId: string; numericId: string },
  ) {}

  submit(init: JobInit): SimJob {
    const { videoId, numericId } = this.newVideoId(init.email);
    const { clock, timeScale, offPeakWaitSeconds } = this.settings;
    const createdAt = clock.now();
    const ms = (seconds: number) => Math.max(0, seconds * 1000 * timeScale);
    const queuedAt = createdAt + (init.offPeak ? ms(offPeakWaitSeconds) : 0);
    const generatingAt = queuedAt + ms(init.queueSeconds);
    const job: SimJob = {
      ...init,
      videoId,
      numericId,
      status: VideoStatus.QUEUED,
      createdAt,
      schedule: { queuedAt, generatingAt, endsAt: generatingAt + ms(init.totalSeconds - init.queueSeconds) },
      tracked: true,
      deleted: false,
      timeline: new AbortController(),
    };
    this.add(job);
    this.hooks.statusChanged(job);
    return job;
  }

  /** Puts back a job saved by an earlier simulator process; unfinished ones resume their schedule. */
  restore(job: SimJob): void {
    this.add(job);
  }

  has(videoId: string): boolean {
    return this.byId.has(videoId);
  }

  private add(job: SimJob): void {
    this.byId.set(job.videoId, job);
    this.byNumericId.set(job.numericId, job);
    this.submitted.push(job);
    if (job.deleted || isFinal(job.status)) return;
    const run = this.run(job).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  get(videoId: string): SimJob | undefined {
    const job = this.byId.get(videoId);
    return job && !job.deleted ? job : undefined;
  }

  getByNumericId(numericId: string): SimJob | undefined {
    const job = this.byNumericId.get(numericId);
    return job && !job.deleted ? job : undefined;
  }

  /** Videos of one account, newest first. */
  list(email: string): SimJob[] {
    return this.submitted.filter((j) => !j.deleted && j.email.toLowerCase() === email.toLowerCase()).reverse();
  }

  /** Every job ever submitted, deleted ones included, in submit order. */
  all(): readonly SimJob[] {
    return this.submitted;
  }

  /** Tracked jobs that have not ended: what GET scheduler shows. */
  scheduled(): SimJob[] {
    return this.submitted.filter((j) => j.tracked && !j.deleted && !isFinal(j.status));
  }

  /** DELETE scheduler/{id}: stop following the job (slot freed, no more callbacks); it still ends upstream. */
  untrack(videoId: string): boolean {
    const job = this.get(videoId);
    if (!job || !job.tracked || isFinal(job.status)) return false;
    job.tracked = false;
    this.releaseSlot(job);
    return true;
  }

  /** DELETE videos/{id}. */
  remove(videoId: string): boolean {
    const job = this.get(videoId);
    if (!job) return false;
    job.timeline.abort();
    job.tracked = false;
    this.releaseSlot(job);
    job.deleted = true;
    return true;
  }

  /** Ends a job now, with its planned outcome or the one given. No-op for ended jobs. */
  finish(job: SimJob, outcome: Outcome = job.outcome): void {
    if (isFinal(job.status) || job.deleted) return;
    job.timeline.abort();
    this.end(job, outcome);
  }

  /** Stops every timeline (simulator shutdown). */
  async close(): Promise<void> {
    for (const job of this.submitted) job.timeline.abort();
    await Promise.allSettled([...this.running]);
  }

  private async run(job: SimJob): Promise<void> {
    const { clock } = this.settings;
    const until = (at: number) => clock.sleep(Math.max(0, at - clock.now()), job.timeline.signal);
    try {
      if (job.status === VideoStatus.QUEUED) {
        await until(job.schedule.queuedAt);
        if (job.offPeak && !job.holdsSlot && job.tracked) {
          this.hooks.acquire(job.email);
          job.holdsSlot = true;
        }
        await until(job.schedule.generatingAt);
        this.setStatus(job, VideoStatus.GENERATING);
      }
      await until(job.schedule.endsAt);
      this.end(job, job.outcome);
    } catch {
      // Aborted: finish(), remove() or close() took over the job.
    }
  }

  private end(job: SimJob, outcome: Outcome): void {
    job.finishedAt = this.settings.clock.now();
    this.releaseSlot(job);
    this.setStatus(job, OUTCOME_STATUS[outcome]);
    job.tracked = false;
  }

  private setStatus(job: SimJob, status: number): void {
    if (job.deleted) return;
    job.status = status;
    this.hooks.statusChanged(job);
  }

  private releaseSlot(job: SimJob): void {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    this.hooks.release(job.email);
  }
}
