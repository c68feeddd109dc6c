/**
 * Submits one generation request without ever creating a job twice:
 * - the intent is journaled (fsync) before the POST, with a replyRef unique to this attempt;
 * - 429 → jittered backoff and resubmit (no job was created);
 * - a POST whose outcome is unknown (network error, timeout, 5xx) is reconciled first (reconcile.ts):
 *   only when the job is provably absent is the request sent again; when the API keeps erroring or
 *   cannot tell which video is the job's, the intent stays open (`unknown`) for a later run or the user.
 */
import { randomBytes } from 'node:crypto';
import type { PixverseApi } from '../api/api.js';
import { ApiError, isApiError } from '../api/errors.js';
import type { Clock } from '../clock.js';
import type { Fingerprint, JobId } from '../model.js';
import { StateError } from '../state/errors.js';
import type { StateStore } from '../state/store.js';
import { brokenAccountMessage, type AccountHealth } from './account-health.js';
import type { VideoClaims } from './claims.js';
import { reconcile, type AttemptRequest, type ReconcileAnswer } from './reconcile.js';

export { reconcile, type ReconcileAnswer } from './reconcile.js';

export interface SubmitContext {
  api: PixverseApi;
  store: StateStore;
  clock: Clock;
  /** Backoff after a 429, before jitter (ms). */
  busyBackoffMs: number;
  busyBackoffMaxMs: number;
  /** POSTs reconciled as absent in a row before the job is given up as failed. */
  maxUnknownOutcomes: number;
  /** Lookups of one unknown outcome (with backoff) before it is left open for a later run. @default 6 */
  reconcileAttempts?: number;
  /** Videos already owned by jobs, and this run's open attempts. */
  claims?: VideoClaims;
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (reason: string, delayMs: number) => void;
  onRequest?: (what: string) => void;
  /** Accounts with a broken session (596) are routed around; absent: the API chooses every account. */
  health?: AccountHealth;
}

export type SubmitResult =
  | { kind: 'submitted'; videoId: string; replyRef: string; credits?: number }
  | { kind: 'rejected'; error: ApiError } // definitive: 400, 401, 402, 422 — no job exists
  | { kind: 'no-credits'; error: ApiError } // 412
  | { kind: 'stopped' } // the signal fired before a job was created
  /** The POST may have created a job and the API cannot say which (or whether): the intent stays open. */
  | { kind: 'unknown'; replyRef: string; candidates: string[]; detail: string };

export function newReplyRef(job: JobId, fp: Fingerprint): string {
  return `pixrender:${job}@${fp.slice(0, 16)}#${randomBytes(4).toString('hex')}`;
}

export async function submitOnce(
  ctx: SubmitContext,
  job: { id: JobId; fingerprint: Fingerprint; endpoint: string; credits: number; offPeak: boolean },
  body: Record<string, unknown>,
  /** The account whose slot lease this POST runs in (a shared store): the request names it. */
  slotAccount?: string,
): Promise<SubmitResult> {
  const random = ctx.random ?? Math.random;
  let busyAttempt = 0;
  let unknownAttempt = 0;
  let brokenAttempt = 0;
  let lapsedAttempt = 0;
  const original = body;
  for (;;) {
    if (ctx.signal?.aborted) return { kind: 'stopped' };
    const route = ctx.health?.route(original, slotAccount) ?? { ok: true };
    if (!route.ok) return { kind: 'rejected', error: brokenAccountError(job.endpoint, route.account) };
    body = route.email ? { ...original, email: route.email } : original;
    const replyRef = newReplyRef(job.id, job.fingerprint);
    const intentAt = new Date(ctx.clock.now()).toISOString();
    const attempt: AttemptRequest = { replyRef, body: requestOf(body), intentAt };
    await ctx.store.append({
      type: 'intent',
      job: job.id,
      fingerprint: job.fingerprint,
      endpoint: job.endpoint,
      replyRef,
      credits: job.credits,
      offPeak: job.offPeak,
      at: intentAt,
      request: attempt.body,
    });
    ctx.claims?.opened(attempt);
    try {
      // A shared store's claim may have lapsed since the intent was written (the process was paused, the
      // machine suspended): then the POST is not sent. Still the holder, the intent is settled and a new
      // one fenced; no longer the holder, the abandonment is refused (`lease-lost`) and the job is the new holder's.
      if (ctx.store.shared && !ctx.store.shared.mayPost(job.id, job.fingerprint)) {
        await abandon(ctx, job, 'not sent: the claim may have lapsed since its intent (the runner was paused)', replyRef);
        if (++lapsedAttempt > 3) throw new StateError('lease-lost', `${job.id}: the claim keeps lapsing between the intent and the POST; not submitting`);
        continue;
      }
      ctx.onRequest?.(job.endpoint);
      const response = await ctx.api.generate(job.endpoint, { ...body, replyRef });
      ctx.claims?.claim(response.video_id);
      await ctx.store.append({ type: 'submitted', job: job.id, fingerprint: job.fingerprint, videoId: response.video_id, replyRef, at: now(ctx) });
      return { kind: 'submitted', videoId: response.video_id, replyRef, ...(response.cost_credits !== undefined ? { credits: response.cost_credits } : {}) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.outcomeUnknown) {
        const answer = await lookUp(ctx, attempt);
        switch (answer.kind) {
          case 'found':
            await ctx.store.append({ type: 'submitted', job: job.id, fingerprint: job.fingerprint, videoId: answer.videoId, replyRef, at: now(ctx) });
            return { kind: 'submitted', videoId: answer.videoId, replyRef };
          case 'ambiguous':
          case 'unclear':
            return { kind: 'unknown', replyRef, candidates: answer.kind === 'ambiguous' ? answer.candidates : [], detail: answer.kind === 'unclear' ? answer.detail : `${error.kind}` };
          case 'absent':
            break;
        }
        await abandon(ctx, job, `not accepted (${error.kind}); resubmitting`, replyRef);
        if (++unknownAttempt >= ctx.maxUnknownOutcomes) return { kind: 'rejected', error };
        const delay = backoff(ctx, unknownAttempt, random);
        ctx.onRetry?.(`${error.kind}: ${error.message}`, delay);
        if (!(await sleep(ctx, delay))) return { kind: 'stopped' };
        continue;
      }
      await abandon(ctx, job, `${error.kind}: ${error.message}`, replyRef);
      if (error.kind === 'busy') {
        const delay = backoff(ctx, ++busyAttempt, random);
        ctx.onRetry?.('429 busy', delay);
        if (!(await sleep(ctx, delay))) return { kind: 'stopped' };
        continue;
      }
      if (error.kind === 'insufficient-credits') return { kind: 'no-credits', error };
      // 596: nothing was started; the account is left out from now on and the job goes to another one.
      if (error.kind === 'account-broken' && ctx.health && ++brokenAttempt <= 8) {
        ctx.health.markBroken(error.account ?? route.email);
        continue;
      }
      // Refused for good (400, 422…): the API's reason is journaled as the job's failure, which compaction keeps.
      await ctx.store.append({ type: 'failed', job: job.id, fingerprint: job.fingerprint, reason: `${error.kind}: ${error.apiMessage ?? error.message}`, replyRef, at: now(ctx) });
      return { kind: 'rejected', error };
    } finally {
      ctx.claims?.closed(replyRef);
    }
  }
}

function brokenAccountError(endpoint: string, account: string): ApiError {
  return new ApiError({ kind: 'account-broken', method: 'POST', endpoint, status: 596, account, apiMessage: brokenAccountMessage(account) });
}

function now(ctx: SubmitContext): string {
  return new Date(ctx.clock.now()).toISOString();
}

async function abandon(ctx: SubmitContext, job: { id: JobId; fingerprint: Fingerprint }, reason: string, replyRef: string): Promise<void> {
  await ctx.store.append({ type: 'abandoned', job: job.id, fingerprint: job.fingerprint, reason, replyRef, at: now(ctx) });
}

/** Full jitter exponential backoff: uniform in [base/2, min(max, base·2^n)]. */
function backoff(ctx: Pick<SubmitContext, 'busyBackoffMs' | 'busyBackoffMaxMs'>, attempt: number, random: () => number): number {
  const ceiling = Math.min(ctx.busyBackoffMaxMs, ctx.busyBackoffMs * 2 ** (attempt - 1));
  return Math.round(ctx.busyBackoffMs / 2 + random() * Math.max(0, ceiling - ctx.busyBackoffMs / 2));
}

async function sleep(ctx: Pick<SubmitContext, 'clock' | 'signal'>, ms: number): Promise<boolean> {
  try {
    await ctx.clock.sleep(ms, ctx.signal);
    return true;
  } catch {
    return false;
  }
}

/** The request as the journal keeps it: what reconcile compares, without per-attempt routing fields. */
export function requestOf(body: Record<string, unknown>): Record<string, unknown> {
  const { replyRef: _ref, replyUrl: _url, ...request } = body;
  return request;
}

export type LookUpAnswer = Exclude<ReconcileAnswer, { kind: 'contested' }> | { kind: 'unclear'; detail: string };

export type LookUpContext = Pick<SubmitContext, 'api' | 'clock' | 'busyBackoffMs' | 'busyBackoffMaxMs' | 'reconcileAttempts' | 'claims' | 'signal' | 'random' | 'onRetry' | 'onRequest'>;

/**
 * Looks for an attempt's job, retrying (with backoff) while the API errors or another open attempt of
 * this run may own the match. Gives up as `unclear` — the attempt stays open for a later run — rather
 * than ever reading an error as "absent". A found video is claimed before the next lookup runs.
 */
export async function lookUp(ctx: LookUpContext, attempt: AttemptRequest): Promise<LookUpAnswer> {
  const attempts = ctx.reconcileAttempts ?? 6;
  let detail = 'no answer';
  for (let n = 1; n <= attempts; n++) {
    try {
      const answer = await (ctx.claims ? ctx.claims.serial(() => once(ctx, attempt)) : once(ctx, attempt));
      if (answer.kind !== 'contested') return answer;
      detail = `a video another open attempt may own (${answer.candidates.join(', ')})`;
    } catch (error) {
      if (isApiError(error, 'unauthorized')) throw error;
      detail = `the API did not answer: ${(error as Error).message}`;
    }
    if (n === attempts) break;
    const delay = backoff(ctx, Math.min(n, 6), ctx.random ?? Math.random);
    ctx.onRetry?.(`reconcile: ${detail}`, delay);
    if (!(await sleep(ctx, delay))) break;
  }
  return { kind: 'unclear', detail };
}

async function once(ctx: LookUpContext, attempt: AttemptRequest): Promise<ReconcileAnswer> {
  const pause = (ms: number) => ctx.clock.sleep(Math.min(ms, ctx.busyBackoffMs));
  const answer = await reconcile(ctx.api, attempt, { pause, ...(ctx.claims ? { claims: ctx.claims } : {}), ...(ctx.onRequest ? { onRequest: ctx.onRequest } : {}) });
  if (answer.kind === 'found') ctx.claims?.claim(answer.videoId);
  return answer;
}
