/** The simulator's state, shared by the server, the route handlers and the controls. */
import { AccountPool } from './accounts.js';
import { CallbackSender } from './callbacks.js';
import { FaultInjector } from './faults.js';
import { isFinal, JobBoard } from './jobs.js';
import { MediaCache } from './media.js';
import type { ResolvedOptions } from './options.js';
import { restoredJob, savedJob, StateFile, type LoadedState, type SavedState } from './persistence.js';
import { randomInt, rngStream, type Random } from './rng.js';
import { StatsRecorder, type SimStatsSnapshot } from './stats.js';
import { UploadStore } from './uploads.js';
import { videoObject } from './video-object.js';

export interface SimContext {
  options: ResolvedOptions;
  /** useapi user id from the token (`user:<uid>-…`), used in video ids. */
  uid: string;
  /** http://127.0.0.1:<port>, known once listening. */
  origin: string;
  startedAt: number;
  accounts: AccountPool;
  jobs: JobBoard;
  uploads: UploadStore;
  stats: StatsRecorder;
  faults: FaultInjector;
  media: MediaCache;
  callbacks: CallbackSender;
  /** Set with the `stateFile` option: where state is saved after every change. */
  state?: StateFile;
  /** Draws for job outcomes (failure rate) and default seeds. */
  outcomes: Random;
  seeds: Random;
}

export function createContext(options: ResolvedOptions, saved?: LoadedState): SimContext {
  const { seed, clock } = options;
  const ids = rngStream(seed, 'ids');
  const counter = { nextVideo: saved?.nextVideo ?? randomInt(ids, 300_000_000_000_000, 390_000_000_000_000) };
  const stats = new StatsRecorder(seed);
  const accounts = new AccountPool(options.accounts, { maxJobs: options.maxJobs, credits: options.credits }, rngStream(seed, 'accounts'));
  const uid = /^user:(\d+)-/.exec(options.token)?.[1] ?? '1000';
  const ctx: SimContext = {
    options,
    uid,
    origin: '',
    startedAt: clock.now(),
    accounts,
    uploads: new UploadStore(rngStream(seed, 'uploads')),
    stats,
    faults: new FaultInjector(options.faults, rngStream(seed, 'faults'), () => clock.now(), clock.now()),
    media: new MediaCache(options.mediaDir),
    callbacks: new CallbackSender(stats.callbacks),
    outcomes: rngStream(seed, 'outcomes'),
    seeds: rngStream(seed, 'seeds'),
    // The hooks only run after construction, when `ctx` exists.
    jobs: new JobBoard(
      { clock, timeScale: options.timeScale, offPeakWaitSeconds: options.offPeakWaitSeconds },
      {
        acquire: (email) => {
          const account = accounts.get(email);
          if (account) accounts.acquire(account);
        },
        release: (email) => accounts.release(email),
        statusChanged: (job) => {
          ctx.state?.changed();
          if (job.tracked && job.replyUrl) ctx.callbacks.send(job.videoId, job.replyUrl, { ...videoObject(job, ctx.origin), replyRef: job.replyRef });
        },
      },
      (email) => {
        let numericId: string;
        let videoId: string;
        do {
          counter.nextVideo += randomInt(ids, 1, 9_999);
          numericId = String(counter.nextVideo);
          videoId = `user:${uid}-pixverse:${email}-video:${numericId}`;
        } while (ctx.jobs.has(videoId));
        return { numericId, videoId };
      },
    ),
  };
  if (options.stateFile) ctx.state = new StateFile(options.stateFile, () => stateOf(ctx, counter.nextVideo));
  if (saved) restore(ctx, saved);
  return ctx;
}

function restore(ctx: SimContext, saved: LoadedState): void {
  for (const account of saved.accounts) ctx.accounts.restore(account);
  for (const upload of saved.uploads) ctx.uploads.restore(upload);
  for (const job of saved.jobs) {
    const restored = restoredJob(job);
    if (restored.holdsSlot && !restored.deleted && !isFinal(restored.status)) {
      const account = ctx.accounts.get(restored.email);
      if (account) ctx.accounts.acquire(account);
    }
    ctx.jobs.restore(restored);
  }
}

function stateOf(ctx: SimContext, nextVideo: number): SavedState {
  return {
    version: 1,
    token: ctx.options.token,
    nextVideo,
    accounts: ctx.accounts.list().map(({ executing: _e, maxExecuting: _m, ...a }) => a),
    jobs: ctx.jobs.all().map(savedJob),
    uploads: ctx.uploads.all().map(({ bytes: _b, ...u }) => u),
  };
}

export function statsSnapshot(ctx: SimContext): SimStatsSnapshot {
  return ctx.stats.snapshot(
    ctx.accounts.list(),
    ctx.jobs.all().map((j) => ({
      video_id: j.videoId,
      endpoint: j.endpoint,
      ...(j.replyRef !== undefined ? { replyRef: j.replyRef } : {}),
      email: j.email,
      offPeak: j.offPeak,
      credits: j.credits,
      status: j.status,
      status_name: videoObject(j, ctx.origin).video_status_name ?? '',
      submittedAt: new Date(j.createdAt).toISOString(),
    })),
  );
}
