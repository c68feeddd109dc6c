/**
 * Submits one generation request without ever creating a job twice:
 * - the intent is journaled (fsync) before the POST, with a replyRef unique to this attempt;
 * - 429 → jittered backoff and resubmit (no job was created);
 * - a POST whose outcome is unknown (network error, timeout, 5xx) is reconciled first: the job is
 *   looked up by its replyRef in GET scheduler (and GET videos); only when it is provably absent is
 *   the request sent again.
 */
import { randomBytes } from 'node:crypto';
import type { PixverseApi } from '../api/api.js';
import { ApiError, isApiError } from '../api/errors.js';
import type { VideoObject } from '../api/protocol.js';
import type { Clock } from '../clock.js';
import type { Fingerprint, JobId } from '../model.js';
import type { StateStore } from '../state/store.js';

export interface SubmitContext {
  api: PixverseApi;
  store: StateStore;
  clock: Clock;
  /** Backoff after a 429, before jitter (ms). */
  busyBackoffMs: number;
  busyBackoffMaxMs: number;
  /** Unknown outcomes in a row before the job is given up as failed (it stays reconcilable). */
  maxUnknownOutcomes: number;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (reason: string, delayMs: number) => void;
  onRequest?: (what: string) => void;
}

export type SubmitResult =
  | { kind: 'submitted'; videoId: string; replyRef: string; credits?: number }
  | { kind: 'rejected'; error: ApiError } // definitive: 400, 401, 402, 422 — no job exists
  | { kind: 'no-credits'; error: ApiError } // 412
  | { kind: 'stopped' }; // the signal fired before a job was created

export function newReplyRef(job: JobId, fp: Fingerprint): string {
  return `pixrender:${job}@${fp.slice(0, 16)}#${randomBytes(4).toString('hex')}`;
}

export async function submitOnce(
  ctx: SubmitContext,
  job: { id: JobId; fingerprint: Fingerprint; endpoint: string; credits: number; offPeak: boolean },
  body: Record<string, unknown>,
): Promise<SubmitResult> {
  const random = ctx.random ?? Math.random;
  let busyAttempt = 0;
  let unknownAttempt = 0;
  for (;;) {
    if (ctx.signal?.aborted) return { kind: 'stopped' };
    const replyRef = newReplyRef(job.id, job.fingerprint);
    const intentAt = new Date(ctx.clock.now()).toISOString();
    await ctx.store.append({
      type: 'intent',
      job: job.id,
      fingerprint: job.fingerprint,
      endpoint: job.endpoint,
      replyRef,
      credits: job.credits,
      offPeak: job.offPeak,
      at: intentAt,
    });
    try {
      ctx.onRequest?.(job.endpoint);
      const response = await ctx.api.generate(job.endpoint, { ...body, replyRef });
      await ctx.store.append({ type: 'submitted', job: job.id, fingerprint: job.fingerprint, videoId: response.video_id, replyRef, at: now(ctx) });
      return { kind: 'submitted', videoId: response.video_id, replyRef, ...(response.cost_credits !== undefined ? { credits: response.cost_credits } : {}) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.outcomeUnknown) {
        const found = await reconcileUntilKnown(ctx, replyRef, body, intentAt);
        if (found) {
          await ctx.store.append({ type: 'submitted', job: job.id, fingerprint: job.fingerprint, videoId: found, replyRef, at: now(ctx) });
          return { kind: 'submitted', videoId: found, replyRef };
        }
        await abandon(ctx, job, `not accepted (${error.kind}); resubmitting`);
        if (++unknownAttempt >= ctx.maxUnknownOutcomes) return { kind: 'rejected', error };
        const delay = backoff(ctx, unknownAttempt, random);
        ctx.onRetry?.(`${error.kind}: ${error.message}`, delay);
        if (!(await sleep(ctx, delay))) return { kind: 'stopped' };
        continue;
      }
      await abandon(ctx, job, `${error.kind}: ${error.message}`);
      if (error.kind === 'busy') {
        const delay = backoff(ctx, ++busyAttempt, random);
        ctx.onRetry?.('429 busy', delay);
        if (!(await sleep(ctx, delay))) return { kind: 'stopped' };
        continue;
      }
      if (error.kind === 'insufficient-credits') return { kind: 'no-credits', error };
      return { kind: 'rejected', error };
    }
  }
}

function now(ctx: SubmitContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

async function abandon(ctx: SubmitContext, job: { id: JobId; fingerprint: Fingerprint }, reason: string): Promise<void> {
  await ctx.store.append({ type: 'abandoned', job: job.id, fingerprint: job.fingerprint, reason, at: now(ctx) });
}

/** Full jitter exponential backoff: uniform in [base/2, min(max, base·2^n)]. */
function backoff(ctx: SubmitContext, attempt: number, random: () => number): number {
  const ceiling = Math.min(ctx.busyBackoffMaxMs, ctx.busyBackoffMs * 2 ** (attempt - 1));
  return Math.round(ctx.busyBackoffMs / 2 + random() * Math.max(0, ceiling - ctx.busyBackoffMs / 2));
}

async function sleep(ctx: SubmitContext, ms: number): Promise<boolean> {
  try {
    await ctx.clock.sleep(ms, ctx.signal);
    return true;
  } catch {
    return false;
  }
}

/** Looks for the job until the API gives a definite answer (found, or provably absent). */
async function reconcileUntilKnown(ctx: SubmitContext, replyRef: string, body: Record<string, unknown>, intentAt: string): Promise<string | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcile(ctx.api, replyRef, body, intentAt, ctx.onRequest);
    } catch (error) {
      if (isApiError(error, 'unauthorized')) throw error;
      const delay = backoff(ctx, Math.min(attempt, 6), ctx.random ?? Math.random);
      ctx.onRetry?.(`reconcile: ${(error as Error).message}`, delay);
      await ctx.clock.sleep(delay); // not abortable: the outcome must be known before we stop
    }
  }
}

/**
 * Finds the job a POST may have created. GET scheduler lists every running job started through the API
 * with its replyRef; a job that already finished is looked up in GET videos (by replyRef when the API
 * echoes it, else by the request's prompt/seed/model/quality created after the intent).
 */
export async function reconcile(
  api: PixverseApi,
  replyRef: string,
  body: Record<string, unknown>,
  intentAt: string,
  onRequest?: (what: string) => void,
): Promise<string | null> {
  onRequest?.('scheduler');
  const running = await api.getScheduler();
  const hit = running.find((item) => item.replyRef === replyRef);
  if (hit) return hit.videoId ?? hit.id ?? null;
  onRequest?.('accounts');
  const accounts = Object.keys(await api.getAccounts().catch(() => ({})));
  for (const email of accounts.length > 0 ? accounts : [undefined]) {
    onRequest?.('videos');
    const list = await api.listVideos({ ...(email ? { email } : {}), limit: 100 });
    const video = list.data.find((v) => matchesRequest(v, replyRef, body, intentAt));
    if (video) return video.video_id;
  }
  return null;
}

function matchesRequest(v: VideoObject, replyRef: string, body: Record<string, unknown>, intentAt: string): boolean {
  if (typeof v.replyRef === 'string') return v.replyRef === replyRef;
  if (v.created_at && Date.parse(v.created_at) + 5_000 < Date.parse(intentAt)) return false;
  for (const key of ['prompt', 'seed', 'model', 'quality'] as const) {
    if (body[key] !== undefined && v[key] !== undefined && v[key] !== body[key]) return false;
  }
  return body.prompt !== undefined || body.seed !== undefined;
}
