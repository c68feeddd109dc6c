/**
 * Watches many in-flight jobs with few requests. One GET scheduler/available lists every executing job
 * of the token, so each tick costs one request for all jobs; a job that has left the executing list is
 * fetched once with GET videos/{id}. The first tick comes when the soonest job is expected to finish
 * (catalog timing); ticks are then at least `minIntervalMs` apart however late the jobs run.
 */
import type { PixverseApi } from '../api/api.js';
import { isApiError } from '../api/errors.js';
import { schedulerItemId, videoOutcome, type VideoObject } from '../api/protocol.js';
import type { Clock } from '../clock.js';

interface Watched {
  videoId: string;
  /** Clock time when the job is expected to be final. */
  expectedAt: number;
  /** Clock time after which we stop waiting (the job stays pending for a later run). */
  deadline: number;
  /** The tick counter when the job was added: only ticks that started later can see it. */
  addedTick: number;
  resolve(video: VideoObject | 'timeout'): void;
  reject(error: unknown): void;
}

export interface PollerOptions {
  api: PixverseApi;
  clock: Clock;
  /** Shortest and longest wait between ticks, in ms. */
  minIntervalMs: number;
  maxIntervalMs: number;
  signal?: AbortSignal;
  /** Multiplies each job's expected time before the first look (larger when callbacks announce results). */
  expectedFactor?: number;
  /** Count of requests made, for benchmarks. */
  onRequest?: (what: string) => void;
}

export class Poller {
  private readonly watched = new Map<string, Watched>();
  private running = false;
  private wake: (() => void) | undefined;
  private sleepUntil = Infinity;
  private tick = 0;
  private lastTickAt = -Infinity;
  consecutiveErrors = 0;

  constructor(private readonly options: PollerOptions) {}

  /** Resolves with the final video object, or 'timeout' when `maxWaitMs` passes first. */
  watch(videoId: string, expectedMs: number, maxWaitMs: number): Promise<VideoObject | 'timeout'> {
    const now = this.options.clock.now();
    return new Promise((resolve, reject) => {
      // A little after the expected end, so the first look usually finds the job done.
      const expectedAt = now + expectedMs * (this.options.expectedFactor ?? 1) + this.options.minIntervalMs / 4;
      this.watched.set(videoId, { videoId, expectedAt, deadline: now + maxWaitMs, addedTick: this.tick, resolve, reject });
      // Wake the loop only when this job is due before the current sleep ends: otherwise every
      // submission would cost an extra scheduler request.
      if (expectedAt < this.sleepUntil) this.wake?.();
      if (!this.running) void this.loop();
    });
  }

  /** A hint (e.g. a callback) that a job may be final: confirm it now instead of at the next tick. */
  notify(videoId: string): void {
    const w = this.watched.get(videoId);
    if (w) void this.fetchFinal(w);
  }

  get size(): number {
    return this.watched.size;
  }

  /**
   * Time until the next tick may start: never sooner than `minIntervalMs` after the last one (a late job or
   * a new submission never speeds polling up), at the soonest expected completion, at the latest `maxIntervalMs`.
   */
  private dueIn(): number {
    const { clock, minIntervalMs, maxIntervalMs } = this.options;
    const now = clock.now();
    let soonest = Infinity;
    for (const w of this.watched.values()) soonest = Math.min(soonest, w.expectedAt, w.deadline);
    return Math.max(this.lastTickAt + minIntervalMs - now, Math.min(maxIntervalMs, soonest - now));
  }

  private async loop(): Promise<void> {
    this.running = true;
    const { api, clock, signal } = this.options;
    try {
      while (this.watched.size > 0) {
        if (signal?.aborted) {
          for (const w of this.watched.values()) w.resolve('timeout');
          this.watched.clear();
          break;
        }
        const wait = this.dueIn();
        if (wait > 0) {
          // A wake (earlier job) only recomputes the wait; the loop re-checks abort and size first.
          await this.sleep(wait);
          continue;
        }
        const tickStart = clock.now();
        this.lastTickAt = tickStart;
        const tick = ++this.tick;
        let executing: Set<string>;
        try {
          this.options.onRequest?.('scheduler/available');
          const available = await api.getSchedulerAvailable();
          executing = new Set(available.executing.flatMap((e) => schedulerItemId(e) ?? []));
          this.consecutiveErrors = 0;
        } catch (error) {
          if (isApiError(error, 'unauthorized')) {
            for (const w of this.watched.values()) w.reject(error);
            this.watched.clear();
            break;
          }
          this.consecutiveErrors++;
          continue; // transient: try again next tick
        }
        // Jobs added while the request was in flight may be missing from its answer: check them next tick.
        const settled = [...this.watched.values()].filter((w) => w.addedTick < tick && !executing.has(w.videoId));
        await Promise.all(settled.map((w) => this.fetchFinal(w)));
        for (const w of this.watched.values()) {
          if (tickStart >= w.deadline) {
            this.watched.delete(w.videoId);
            w.resolve('timeout');
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async fetchFinal(w: Watched): Promise<void> {
    try {
      this.options.onRequest?.('videos/{id}');
      const video = await this.options.api.getVideo(w.videoId);
      // 404 right after leaving the scheduler, or a 200 that is not final yet: keep watching.
      if (!video || videoOutcome(video) === 'pending') {
        w.expectedAt = this.options.clock.now() + this.options.minIntervalMs;
        return;
      }
      this.watched.delete(w.videoId);
      w.resolve(video);
    } catch (error) {
      // A broken account (596) keeps answering 596 until it is added again: asking every tick is useless.
      if (isApiError(error, ['unauthorized', 'bad-request', 'account-broken'])) {
        this.watched.delete(w.videoId);
        w.reject(error);
      }
      // other errors: transient, next tick tries again
    }
  }

  private sleep(ms: number): Promise<void> {
    this.sleepUntil = this.options.clock.now() + ms;
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        this.wake = undefined;
        this.sleepUntil = Infinity;
        resolve();
      };
      this.wake = finish;
      this.options.clock.sleep(ms, this.options.signal).then(finish, finish);
    });
  }
}
