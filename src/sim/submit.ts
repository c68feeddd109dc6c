/**
 * Accepting a generation request, in the order the real service answers: 400 invalid → 422 refused by
 * moderation → 429 throttled (storm) or no free slot → 412 not enough credits → 200 job accepted, with
 * credits spent and a slot taken.
 */
import { expectedRenderSeconds, type Endpoint } from '../catalog.js';
import { kindOfEndpoint, priceOfKind } from '../kinds/pricing.js';
import type { SimContext } from './context.js';
import { buildGeneration, type GenerationRequest } from './generation.js';
import { HttpError, json, type Reply } from './http.js';
import type { Outcome } from './jobs.js';
import { randomInt } from './rng.js';

export const NO_CREDITS_MESSAGE = 'All Credits have been used up. Please upgrade your membership or purchase credits.';

export function submitGeneration(ctx: SimContext, endpoint: Endpoint, fields: Record<string, unknown>, storm: boolean): Reply {
  const { catalog, moderation } = ctx.options;
  const built = buildGeneration(endpoint, fields, {
    catalog,
    templates: ctx.options.templates,
    upload: (path) => ctx.uploads.get(path),
    video: (id) => ctx.jobs.get(id),
    randomSeed: () => randomInt(ctx.seeds, catalog.seedRange.min, catalog.seedRange.max),
  });
  if (!built.ok) throw new HttpError(400, built.error);
  const g = built.value;

  const rejected = findWord(g.texts, moderation.rejectWords);
  if (rejected) throw new HttpError(422, `Your prompt was rejected by content moderation ("${rejected}"). Please revise it and try again.`);
  if (storm) {
    ctx.stats.faults.storm429++;
    throw new HttpError(429, 'PixVerse is throttling requests (simulated 429 storm). Wait and retry.');
  }

  // The same price rule as the plan's, at this plan's factors (GET features).
  const price = priceOfKind(kindOfEndpoint(endpoint), catalog, g.spec, { offPeak: ctx.options.offPeakDiscount, preview: ctx.options.previewDiscount });
  if (g.common.offPeak && price.offPeak === null) throw new HttpError(400, `off_peak_mode is not available for ${endpoint}${g.spec.model ? ` with model ${g.spec.model}` : ''}`);
  const cost = g.common.offPeak ? price.offPeak! : price.standard;
  const needsSlot = !g.common.offPeak || ctx.options.offPeakHoldsSlot;
  const email = endpoint === 'videos/upscale' ? g.sourceEmail : (g.common.email ?? g.sourceEmail);

  const selection = ctx.accounts.select({ email, maxJobs: g.common.maxJobs, cost, needsSlot });
  if (!selection.ok) {
    switch (selection.reason) {
      case 'unknown-account':
        throw new HttpError(400, `Account ${selection.email} is not configured`);
      case 'no-capacity':
        throw new HttpError(429, email ? `Account ${email} is busy: all of its maxJobs slots are executing. Wait and retry.` : 'All configured accounts are busy: every maxJobs slot is executing. Wait and retry.');
      case 'no-credits':
        throw new HttpError(412, NO_CREDITS_MESSAGE);
    }
  }
  const account = selection.account;
  if (account.sessionBroken) throw brokenSession(account.email);
  ctx.accounts.spend(account, cost);
  if (needsSlot) ctx.accounts.acquire(account);

  const job = ctx.jobs.submit({
    endpoint,
    email: account.email,
    accountId: account.accountId,
    offPeak: g.common.offPeak,
    credits: cost,
    queueSeconds: catalog.timing.queue_s,
    totalSeconds: expectedRenderSeconds(catalog, g.spec),
    outcome: outcomeOf(ctx, g),
    output: g.output,
    fields: g.fields,
    ...(g.common.replyUrl !== undefined ? { replyUrl: g.common.replyUrl } : {}),
    ...(g.common.replyRef !== undefined ? { replyRef: g.common.replyRef } : {}),
    holdsSlot: needsSlot,
  });
  ctx.stats.submission(endpoint, cost);
  return json(200, { video_id: job.videoId, cost_credits: cost });
}

/** 596: the account's stored session was refused; nothing was started (the text is ours, real texts are UNCONFIRMED). */
export function brokenSession(email: string): HttpError {
  return new HttpError(596, `PixVerse account ${email} is in an error state (session refresh rejected): add it again with POST accounts/${email}`);
}

function outcomeOf(ctx: SimContext, g: GenerationRequest): Outcome {
  const { moderation } = ctx.options;
  const draw = ctx.outcomes(); // one draw per accepted job, whatever decides, to keep the stream aligned
  if (findWord(g.texts, moderation.moderateWords)) return 'moderated';
  if (findWord(g.texts, moderation.failWords)) return 'failed';
  return draw < moderation.failureRate ? 'failed' : 'completed';
}

function findWord(texts: string[], words: string[]): string | undefined {
  const haystack = texts.join('\n').toLowerCase();
  return words.find((w) => w !== '' && haystack.includes(w.toLowerCase()));
}
