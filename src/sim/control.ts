/**
 * Control routes under /__sim/ (no auth, never faulted): stats, faults, forced errors, credits, and
 * finishing jobs now. The same controls exist in-process on the Simulator object.
 */
import type { IncomingMessage } from 'node:http';
import type { SimContext } from './context.js';
import { statsSnapshot } from './context.js';
import { FORCED_FAULTS, parseFaultSpec, type FaultOptions, type ForcedError } from './faults.js';
import { HttpError, json, parseFields, readBody, type Reply } from './http.js';
import type { Outcome } from './jobs.js';

/** Ends pending jobs now (all, or the one given); returns how many ended. */
export function completeJobs(ctx: SimContext, filter: { videoId?: string; outcome?: Outcome } = {}): number {
  let count = 0;
  for (const job of ctx.jobs.all()) {
    if (filter.videoId !== undefined && job.videoId !== filter.videoId) continue;
    const before = job.status;
    ctx.jobs.finish(job, filter.outcome);
    if (job.status !== before) count++;
  }
  return count;
}

const OUTCOMES: Outcome[] = ['completed', 'moderated', 'failed'];

export async function handleControl(ctx: SimContext, req: IncomingMessage, path: string): Promise<Reply> {
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/__sim/stats') return json(200, statsSnapshot(ctx));
  if (method === 'GET' && path === '/__sim/faults') return json(200, ctx.faults.current);
  if (method !== 'POST') throw new HttpError(404, `Unknown control route ${method} ${path}`);
  const body = await parseFields('application/json', await readBody(req, 1024 * 1024));
  switch (path) {
    case '/__sim/faults': {
      // Either {"spec": "500=0.1,reset=0.05"} or a FaultOptions object; replaces the current faults.
      let faults: FaultOptions;
      try {
        faults = typeof body.spec === 'string' ? parseFaultSpec(body.spec) : (body as FaultOptions);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
      ctx.faults.set(faults);
      return json(200, ctx.faults.current);
    }
    case '/__sim/force': {
      const error = body.error;
      if (typeof body.endpoint !== 'string' || !(typeof error === 'number' || (FORCED_FAULTS as readonly unknown[]).includes(error)))
        throw new HttpError(400, `Expected {"endpoint": "videos/create", "error": 503 | ${FORCED_FAULTS.map((f) => `"${f}"`).join(' | ')}} ("TRUNCATE" for "media")`);
      ctx.faults.forceErrorOnNextRequest(body.endpoint, error as ForcedError);
      return json(200, { ok: true });
    }
    case '/__sim/storm': {
      if (typeof body.durationMs !== 'number' || body.durationMs < 0) throw new HttpError(400, 'Expected {"durationMs": N}');
      ctx.faults.startStorm(body.durationMs);
      return json(200, ctx.faults.current);
    }
    case '/__sim/credits': {
      if (typeof body.amount !== 'number' || !Number.isFinite(body.amount)) throw new HttpError(400, 'Expected {"amount": N, "email"?: "…"}');
      if (!ctx.accounts.addCredits(body.amount, typeof body.email === 'string' ? body.email : undefined)) throw new HttpError(404, `Account ${String(body.email)} is not configured`);
      return json(200, statsSnapshot(ctx).accounts);
    }
    case '/__sim/complete': {
      const outcome = body.outcome as Outcome | undefined;
      if (outcome !== undefined && !OUTCOMES.includes(outcome)) throw new HttpError(400, `outcome must be one of ${OUTCOMES.join(', ')}`);
      const videoId = typeof body.video_id === 'string' ? body.video_id : undefined;
      return json(200, { completed: completeJobs(ctx, { ...(videoId ? { videoId } : {}), ...(outcome ? { outcome } : {}) }) });
    }
    default:
      throw new HttpError(404, `Unknown control route POST ${path}`);
  }
}
