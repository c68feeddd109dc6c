/**
 * Watches many in-flight jobs with few requests. One GET scheduler/available lists every executing job
 * of the token (all its accounts), so each tick costs one request for all jobs; a job that has left the
 * executing list is fetched once with GET videos/{id}. Off-peak jobs are not tracked by the scheduler
 * (2026 reference §5): they are looked up together, one GET videos listing per account and tick, when
 * one of them is due. The first tick comes when the soonest job is expected to finish (catalog timing);
 * ticks are then at least `minIntervalMs` apart however late the jobs run.
 */
import type { PixverseApi } from '../api/api.js';
import { isApiError } from '../api/errors.js';
import { schedulerItemId, videoOutcome, type VideoObject } from '../api/protocol.js';
import type { Clock } from '../clock.js';
import type { SchedulerLook } from '../state/shared.js';
import { ownerOf } from './account-health.js';

/** GET videos page size and pages per account and tick for off-peak lookups (the API's default limit is 40). */
const OFF_PEAK_PAGE = 40;
const OFF_PEAK_PAGES = 5;

interface Watched {
  videoId: string;
  /** Clock time when the job is expected to be final. */
  expectedAt: number;
  /** Clock time after which we stop waiting (the job stays pending for a later run). */
  deadline: number;
  /** The tick counter when the job was added: only ticks that started later can see it. */
  addedTick: number;
  /** Off-peak: never in the scheduler's list, found through GET videos. */
  offPeak: boolean;
  /** Clock time when it was added (after its POST answered: the job existed). */
  since: number;
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
  /** Each scheduler answer, for runners sharing a store (SharedState.publishLook). */
  onLook?: (look: SchedulerLook) => void;
}

export class Poller {
  private readonly watched = new Map<string, Watched>();
  /** Videos with a GET videos/{id} in flight: a hint does not ask twice. */
  private readonly fetching = new Set<string>();
  private running = false;
  private wake: (() => void) | undefined;
  private sleepUntil = Infinity;
  private tick = 0;
  private lastTickAt = -Infinity;
  consecutiveErrors = 0;

  constructor(private readonly options: PollerOptions) {}

  /** Resolves with the final video object, or 'timeout' when `maxWaitMs` passes first. */
  watch(videoId: string, expectedMs: number, maxWaitMs: number, options: { offPeak?: boolean } = {}): Promise<VideoObject | 'timeout'> {
    const now = this.options.clock.now();
    return new Promise((resolve, reject) => {
      // A little after the expected end, so the first look usually finds the job done.
      const expectedAt = now + expectedMs * (this.options.expectedFactor ?? 1) + this.options.minIntervalMs / 4;
      this.watched.set(videoId, { videoId, expectedAt, deadline: now + maxWaitMs, addedTick: this.tick, offPeak: options.offPeak === true, since: now, resolve, reject });
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

  /**
   * Another runner's scheduler answer, read as a tick of our own would be: a job of ours on one of its
   * accounts, watched since before that request, and no longer executing is confirmed now (GET videos/{id}).
   * A job found still pending keeps its own schedule.
   */
  heard(look: SchedulerLook): void {
    const now = this.options.clock.now();
    const accounts = new Set(look.accounts);
    const executing = new Set(look.executing);
    for (const w of this.watched.values()) {
      const owner = ownerOf(w.videoId);
      if (w.offPeak || w.since >= now - look.tookMs || executing.has(w.videoId) || !owner || !accounts.has(owner)) continue;
      void this.fetchFinal(w, { hint: true });
    }
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
        const due = [...this.watched.values()].filter((w) => w.addedTick < tick && w.expectedAt <= tickStart);
        const offPeakDue = due.filter((w) => w.offPeak);
        if (offPeakDue.length > 0) await this.lookUpOffPeak(offPeakDue);
        if (![...this.watched.values()].some((w) => !w.offPeak)) {
          this.expire(tickStart);
          continue;
        }
        let executing: Set<string>;
        try {
          this.options.onRequest?.('scheduler/available');
          const available = await api.getSchedulerAvailable();
          executing = new Set(available.executing.flatMap((e) => schedulerItemId(e) ?? []));
          this.consecutiveErrors = 0;
          this.options.onLook?.({ accounts: available.available.map((a) => a.email), executing: [...executing], tookMs: clock.now() - tickStart });
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
        const settled = [...this.watched.values()].filter((w) => !w.offPeak && w.addedTick < tick && !executing.has(w.videoId));
        await Promise.all(settled.map((w) => this.fetchFinal(w)));
        this.expire(tickStart);
      }
    } finally {
      this.running = false;
    }
  }

  private expire(tickStart: number): void {
    for (const w of this.watched.values()) {
      if (tickStart >= w.deadline) {
        this.watched.delete(w.videoId);
        w.resolve('timeout');
      }
    }
  }

  /**
   * Due off-peak jobs, per owning account: GET videos pages (newest first) until every one is seen or
   * the list runs out (at most `OFF_PEAK_PAGES`); a final one resolves, the others wait for the next tick.
   */
  private async lookUpOffPeak(due: Watched[]): Promise<void> {
    const byAccount = new Map<string | undefined, Map<string, Watched>>();
    for (const w of due) {
      const owner = ownerOf(w.videoId);
      if (!byAccount.has(owner)) byAccount.set(owner, new Map());
      byAccount.get(owner)!.set(w.videoId, w);
    }
    for (const [email, wanted] of byAccount) {
      try {
        for (let page = 0; page < OFF_PEAK_PAGES && wanted.size > 0; page++) {
          this.options.onRequest?.('videos');
          const { data } = await this.options.api.listVideos({ ...(email ? { email } : {}), limit: OFF_PEAK_PAGE, offset: page * OFF_PEAK_PAGE });
          for (const video of data) {
            const w = wanted.get(video.video_id);
            if (!w) continue;
            wanted.delete(video.video_id);
            if (videoOutcome(video) === 'pending') continue;
            this.watched.delete(w.videoId);
            w.resolve(video);
          }
          if (data.length < OFF_PEAK_PAGE) break;
        }
      } catch (error) {
        if (isApiError(error, ['unauthorized', 'account-broken'])) for (const w of wanted.values()) (this.watched.delete(w.videoId), w.reject(error));
        // other errors: transient, the next tick looks again
      }
    }
  }

  private async fetchFinal(w: Watched, { hint = false } = {}): Promise<void> {
    if (hint && this.fetching.has(w.videoId)) return;
    this.fetching.add(w.videoId);
    try {
      this.options.onRequest?.('videos/{id}');
      const video = await this.options.api.getVideo(w.videoId);
      // 404 right after leaving the scheduler, or a 200 that is not final yet: keep watching.
      if (!video || videoOutcome(video) === 'pending') {
        if (!hint) w.expectedAt = this.options.clock.now() + this.options.minIntervalMs;
        return;
      }
      if (this.watched.get(w.videoId) !== w) return; // settled meanwhile by another fetch
      this.watched.delete(w.videoId);
      w.resolve(video);
    } catch (error) {
      // A broken account (596) keeps answering 596 until it is added again: asking every tick is useless.
      if (isApiError(error, ['unauthorized', 'bad-request', 'account-broken'])) {
        this.watched.delete(w.videoId);
        w.reject(error);
      }
      // other errors: transient, next tick tries again
    } finally {
      this.fetching.delete(w.videoId);
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
