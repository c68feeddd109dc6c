/**
 * Attempts left open by earlier runs (a crash, Ctrl-C, --no-wait, or a watch-mode re-run): an attempt
 * whose job is unchanged is resumed — polled, never submitted again — and one whose job changed is
 * still waited for and its video kept aside, since it was paid for.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type PQueue from 'p-queue';
import type { PixverseApi } from '../api/api.js';
import { videoOutcome, type VideoObject } from '../api/protocol.js';
import { KINDS } from '../kinds/index.js';
import { kindOfEndpoint } from '../kinds/pricing.js';
import type { EventSink } from '../events.js';
import type { Fingerprint, JobId, LockEntry, PlannedJob } from '../model.js';
import type { PendingJob, StateSnapshot, StateStore } from '../state/store.js';
import { openAttempts } from '../state/versions.js';
import type { Poller } from './poller.js';
import { unreachable } from './outcome.js';
import { lookUp, type LookUpContext } from './submit.js';

export interface AttemptContext extends LookUpContext {
  api: PixverseApi;
  store: StateStore;
  queue: PQueue;
  poller: Poller;
  manifestDir: string;
  /** Where a superseded render is kept, relative to the manifest folder. */
  asidePath(job: string, fingerprint: string): string;
  firstLookMs: number;
  maxWaitMs: number;
  now(): string;
  onEvent?: EventSink;
  onRequest?: (what: string) => void;
}

/** What became of an attempt left open: its video, nothing (it may be submitted again), or not known yet. */
export type Resumed = { kind: 'video'; videoId: string } | { kind: 'absent' } | { kind: 'unknown'; candidates: string[]; detail: string };

/**
 * The video of an open attempt: known when the journal recorded it, else looked up by the attempt's
 * replyRef and its request (reconcile.ts). Provably absent → the POST created nothing: the attempt is
 * closed so the job can be submitted. Unclear or ambiguous → the attempt stays open: nothing is
 * submitted on a guess, a later run looks again, and `pixrender status` offers to settle it.
 */
export async function resumeAttempt(ctx: AttemptContext, pending: PendingJob, fallbackRequest: Record<string, unknown> = {}, inputCount = 0): Promise<Resumed> {
  if (pending.videoId) return { kind: 'video', videoId: pending.videoId };
  const job = pending.job as JobId;
  const fingerprint = pending.fingerprint as Fingerprint;
  const body = pending.request ?? { ...fallbackRequest, ...(pending.offPeak ? { off_peak_mode: true } : {}) };
  // An intent journaled without its request (an older pixrender) lacks the run-time inputs: with them
  // missing, "nothing matches" proves nothing for a job that has inputs.
  const partial = pending.request === undefined && inputCount > 0;
  ctx.claims?.opened({ replyRef: pending.replyRef, body, intentAt: pending.since });
  try {
    const answer = await lookUp(ctx, { replyRef: pending.replyRef, body, intentAt: pending.since });
    switch (answer.kind) {
      case 'found':
        await ctx.store.append({ type: 'submitted', job, fingerprint, videoId: answer.videoId, replyRef: pending.replyRef, at: ctx.now() });
        return { kind: 'video', videoId: answer.videoId };
      case 'absent':
        if (partial) return { kind: 'unknown', candidates: [], detail: 'the journal does not hold its full request, so its absence cannot be proven' };
        await ctx.store.append({ type: 'abandoned', job, fingerprint, reason: 'not found at the API after an interrupted submit', replyRef: pending.replyRef, at: ctx.now() });
        return { kind: 'absent' };
      case 'ambiguous':
        return { kind: 'unknown', candidates: answer.candidates, detail: 'several videos could be it' };
      case 'unclear':
        return { kind: 'unknown', candidates: [], detail: answer.detail };
      default:
        return unreachable(answer);
    }
  } finally {
    ctx.claims?.closed(pending.replyRef);
  }
}

/**
 * Open attempts this plan will not adopt. Every attempt of a version the plan renders is left to that job
 * (its latest is resumed, never paid again). Of the others, a render of a version the job already has, or
 * (with the file store, one checkout) of a version the job changed from or of a job that left the manifest,
 * is collected aside. With a shared store another version's attempt may be another checkout's work in
 * progress: it is left to whoever renders that version, never collected or failed here.
 */
export function supersededAttempts(snapshot: StateSnapshot, runs: ReadonlyMap<JobId, { planned: PlannedJob }>, options: { shared: boolean }): PendingJob[] {
  return openAttempts(snapshot).filter((p) => {
    const run = runs.get(p.job as JobId);
    if (run?.planned.fingerprint !== p.fingerprint) return !options.shared;
    return run.planned.action === 'cached' || run.planned.action === 'download';
  });
}

/**
 * Waits for a superseded attempt and keeps its video aside (never recorded as current). `duplicate`: the
 * attempt is of the version the plan has (a second render of it, e.g. the POST of a runner that was paused
 * past its lease while another runner took the job over): kept and reported as such, once.
 */
export async function collectAside(ctx: AttemptContext, pending: PendingJob, duplicate = false): Promise<void> {
  const job = pending.job as JobId;
  const fingerprint = pending.fingerprint as Fingerprint;
  const warn = (message: string) => ctx.onEvent?.({ type: 'warning', at: ctx.now(), id: job, message });
  try {
    const resumed = await resumeAttempt(ctx, pending);
    if (resumed.kind === 'unknown') warn(`an earlier, superseded submit of ${job} is still unknown (${resumed.detail}); \`pixrender status\` can settle it`);
    if (resumed.kind !== 'video') return;
    const { videoId } = resumed;
    // It holds a slot at the API until it is final, so it waits in the queue like any job, first.
    const video = await ctx.queue.add(() => ctx.poller.watch(videoId, ctx.firstLookMs, ctx.maxWaitMs, { offPeak: pending.offPeak === true }), { priority: Infinity });
    if (video === 'timeout' || !video) return;
    const why = duplicate ? `a second render of this version (${videoId}, submitted twice)` : 'superseded by a newer version';
    if (videoOutcome(video) === 'completed' && video.url) {
      const aside = ctx.asidePath(job, fingerprint);
      const file = join(ctx.manifestDir, aside);
      await mkdir(dirname(file), { recursive: true });
      const { sha256, size } = await ctx.api.download(video.url, file);
      // A result of its version: a manifest that goes back to that version finds it (versions.ts), 0 spent.
      // A duplicate's version already has its result: it is only kept aside and reported.
      const entry = duplicate ? undefined : asideEntry(pending, video, { output: aside, sha256, size, at: ctx.now() });
      if (entry) await ctx.store.append({ type: 'completed', job, fingerprint, entry, superseded: true, replyRef: pending.replyRef, at: ctx.now() });
      else await ctx.store.append({ type: 'failed', job, fingerprint, reason: `${why}; kept at ${aside}`, replyRef: pending.replyRef, at: ctx.now() });
      warn(`${why}; kept at ${aside}`);
      return;
    }
    const reason = `${why}; ${videoOutcome(video)}`;
    await ctx.store.append({ type: 'failed', job, fingerprint, reason, replyRef: pending.replyRef, at: ctx.now() });
    warn(reason);
  } catch (error) {
    warn(`could not collect a superseded render: ${(error as Error).message}`);
  }
}

/**
 * The lock entry a kept-aside render would have as its version's result, from what the journal recorded
 * of its request. Undefined when the journal lacks the request (an older pixrender, or a submission seen
 * without its intent): then it is only kept aside.
 */
function asideEntry(pending: PendingJob, video: VideoObject, kept: { output: string; sha256: string; size: number; at: string }): LockEntry | undefined {
  const endpoint = KINDS.find((k) => k.endpoint === pending.endpoint)?.endpoint;
  if (!endpoint || !pending.request) return undefined;
  const params = Object.fromEntries(Object.entries(pending.request).filter((e): e is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof e[1])));
  return {
    fingerprint: pending.fingerprint as Fingerprint,
    kind: kindOfEndpoint(endpoint),
    endpoint,
    params,
    ...(typeof params.seed === 'number' ? { seed: params.seed } : {}),
    videoId: video.video_id,
    url: video.url!,
    output: kept.output,
    sha256: kept.sha256,
    size: kept.size,
    credits: pending.credits,
    plannedCredits: pending.credits,
    offPeak: pending.offPeak,
    submittedAt: pending.submittedAt ?? pending.since,
    completedAt: kept.at,
  };
}
