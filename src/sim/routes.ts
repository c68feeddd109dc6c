/**
 * The API surface of the simulator (reference §8): the route table and every endpoint handler.
 * Paths are relative to /v2/pixverse, without a trailing slash. Generation endpoints go through
 * submit.ts; everything else is answered here.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ENDPOINTS } from '../catalog.js';
import { maskedAccount, type SimAccount } from './accounts.js';
import type { SimContext } from './context.js';
import type { FaultDecision } from './faults.js';
import { HttpError, json, parseFields, type Reply } from './http.js';
import { isFinal, type SimJob } from './jobs.js';
import { VIDEO_ID_PATTERN } from './sources.js';
import { brokenSession, submitGeneration } from './submit.js';
import { videoObject } from './video-object.js';

export interface RouteRequest {
  method: string;
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  fault: FaultDecision;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** Stats and forced-error key, e.g. "videos/{video_id}". */
  name: string;
  generation?: boolean;
  handle(ctx: SimContext, req: RouteRequest): Reply | Promise<Reply>;
}

export const ROUTES: Route[] = [
  { method: 'GET', pattern: /^accounts$/, name: 'accounts', handle: getAccounts },
  { method: 'GET', pattern: /^accounts\/([^/]+)$/, name: 'accounts/{email}', handle: getAccount },
  { method: 'POST', pattern: /^accounts\/([^/]+)$/, name: 'accounts/{email}', handle: postAccount },
  { method: 'DELETE', pattern: /^accounts\/([^/]+)$/, name: 'accounts/{email}', handle: deleteAccount },
  { method: 'GET', pattern: /^features$/, name: 'features', handle: getFeatures },
  { method: 'POST', pattern: /^files$/, name: 'files', handle: postFile },
  { method: 'GET', pattern: /^videos$/, name: 'videos', handle: listVideos },
  { method: 'GET', pattern: /^videos\/effects$/, name: 'videos/effects', handle: getEffects },
  { method: 'GET', pattern: /^videos\/voices$/, name: 'videos/voices', handle: getVoices },
  { method: 'GET', pattern: /^videos\/restyles$/, name: 'videos/restyles', handle: getRestyles },
  ...ENDPOINTS.map((endpoint): Route => ({
    method: 'POST',
    pattern: new RegExp(`^${endpoint.replace('/', '\\/')}(?:-v\\d+)?$`),
    name: endpoint,
    generation: true,
    handle: async (ctx, req) => submitGeneration(ctx, endpoint, await parseFields(req.headers['content-type'], req.body), req.fault.storm),
  })),
  { method: 'GET', pattern: /^videos\/([^/]+)$/, name: 'videos/{video_id}', handle: getVideo },
  { method: 'DELETE', pattern: /^videos\/([^/]+)$/, name: 'videos/{video_id}', handle: deleteVideo },
  { method: 'GET', pattern: /^scheduler$/, name: 'scheduler', handle: getScheduler },
  { method: 'GET', pattern: /^scheduler\/available$/, name: 'scheduler/available', handle: getSchedulerAvailable },
  { method: 'DELETE', pattern: /^scheduler\/([^/]+)$/, name: 'scheduler/{video_id}', handle: deleteScheduler },
];

/** The route for a method and a path below the prefix; `/x` and `/x/` are the same route. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  const trimmed = path.replace(/^\/+/, '').replace(/\/$/, '');
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(trimmed);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}

// ---- helpers -------------------------------------------------------------------------------------

function decodeEmail(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `Invalid email "${raw}"`);
  }
}

/** A video id from the path, raw: percent-encoded ids are refused like the real API does. */
function videoIdParam(raw: string): string {
  if (raw.includes('%')) throw new HttpError(400, `video_id must not be URL-encoded: put it into the path as is (got "${raw}")`);
  if (!VIDEO_ID_PATTERN.test(raw)) throw new HttpError(400, `Invalid video_id "${raw}"`);
  return raw;
}

/** The account a list/info request is about: `email`, or the only account. */
function queryAccount(ctx: SimContext, query: URLSearchParams): SimAccount {
  const email = query.get('email');
  const all = ctx.accounts.list();
  if (email) {
    const account = ctx.accounts.get(email);
    if (!account) throw new HttpError(400, `Account ${email} is not configured`);
    if (account.sessionBroken) throw brokenSession(account.email);
    return account;
  }
  if (all.length === 0) throw new HttpError(400, 'No PixVerse account configured: add one with POST accounts/{email}');
  if (all.length > 1) throw new HttpError(400, 'Parameter email is required when several accounts are configured');
  if (all[0]!.sessionBroken) throw brokenSession(all[0]!.email);
  return all[0]!;
}

function pageOf<T>(items: T[], query: URLSearchParams, defaultLimit: number): T[] {
  const read = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) throw new HttpError(400, `Parameter ${name} must be a non-negative integer`);
    return Number(raw);
  };
  const offset = read('offset', 0);
  return items.slice(offset, offset + read('limit', defaultLimit));
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function running(ctx: SimContext, job: SimJob) {
  return {
    started: new Date(job.createdAt).toISOString(),
    elapsed: elapsed(ctx.options.clock.now() - job.createdAt),
    ...(job.replyUrl !== undefined ? { replyUrl: job.replyUrl } : {}),
    ...(job.replyRef !== undefined ? { replyRef: job.replyRef } : {}),
  };
}

// ---- accounts and features -----------------------------------------------------------------------

function getAccounts(ctx: SimContext): Reply {
  const all = ctx.accounts.list();
  if (all.length === 0) throw new HttpError(404, 'No PixVerse account configured: add one with POST accounts/{email}');
  return json(200, Object.fromEntries(all.map((a) => [a.email, maskedAccount(a, ctx.options.clock.now())])));
}

function getAccount(ctx: SimContext, req: RouteRequest): Reply {
  const email = decodeEmail(req.params[0]!);
  const account = ctx.accounts.get(email);
  if (!account) throw new HttpError(404, `Configuration for account ${email} not found`);
  return json(200, maskedAccount(account, ctx.options.clock.now()));
}

async function postAccount(ctx: SimContext, req: RouteRequest): Promise<Reply> {
  const email = decodeEmail(req.params[0]!);
  const fields = await parseFields(req.headers['content-type'], req.body);
  const { min, max } = ctx.options.catalog.maxJobsRange;
  if (typeof fields.email !== 'string' || !fields.email.includes('@')) throw new HttpError(400, 'Parameter email is required');
  if (fields.email.toLowerCase() !== email.toLowerCase()) throw new HttpError(400, `Parameter email (${fields.email}) does not match the path (${email})`);
  if (typeof fields.password !== 'string' || fields.password === '') throw new HttpError(400, 'Parameter password is required');
  const maxJobs = Number(fields.maxJobs);
  if (fields.maxJobs === undefined || !Number.isInteger(maxJobs) || maxJobs < min || maxJobs > max)
    throw new HttpError(400, `Parameter maxJobs is required and must be an integer ${min}…${max}`);
  const account = ctx.accounts.upsert(email, fields.password, maxJobs);
  return json(201, maskedAccount(account, ctx.options.clock.now()));
}

function deleteAccount(ctx: SimContext, req: RouteRequest): Reply {
  const email = decodeEmail(req.params[0]!);
  if (!ctx.accounts.remove(email)) throw new HttpError(404, `Configuration for account ${email} not found`);
  return json(204);
}

function getFeatures(ctx: SimContext, req: RouteRequest): Reply {
  const a = queryAccount(ctx, req.query);
  const o = ctx.options;
  const renewal = new Date(o.clock.now() + 28 * 24 * 3600 * 1000).toISOString();
  return json(200, {
    user_id: a.accountId, member_id: 7781203344 + a.accountId, product_id: 6620019911,
    plan_name: 'Premium Plan', next_plan_name: 'Premium Plan', next_plan_type: 3, current_plan_type: 3, type: 0,
    credit_daily: a.credits.daily, credit_daily_gift: 0, initial_credit_gift: 0,
    credit_monthly: a.credits.monthly, credit_monthly_gift: 15000, credit_package: a.credits.package,
    expired_date: renewal, price: '60', billing_period: 1, next_billing_period: 1, billing_renewal_date: renewal, payment: 1,
    invoice_url: '', stripe_bill_url: '', gen_simultaneously: o.genSimultaneously,
    allow_fast_mode: 1, allow_relaxed_mode: 1, allow_use_new_feat: 1, allow_private_generate: 1, remove_watermark: 1,
    allow_purchase_credit: 1, sub_order_in_progress: 0, allow_effect: 1,
    ...(o.offPeakFeatureFields
      ? { off_peak: 1, off_peak_discount: String(o.offPeakDiscount), preview_mode: 1, preview_mode_discount: String(o.previewDiscount) }
      : {}),
  });
}

// ---- files and videos ----------------------------------------------------------------------------

async function postFile(ctx: SimContext, req: RouteRequest): Promise<Reply> {
  queryAccount(ctx, req.query);
  const contentType = req.headers['content-type'];
  if (!contentType) throw new HttpError(400, 'Content-Type header with the file MIME type is required');
  if (req.body.length === 0) throw new HttpError(400, 'The request body (the file) is empty');
  const upload = ctx.uploads.add(contentType, req.body);
  if (!upload) throw new HttpError(400, `Unsupported Content-Type ${contentType}`);
  await ctx.state?.saveUpload(upload);
  const url = `${ctx.origin}/media/${upload.path}`;
  if (upload.kind !== 'image') return json(200, { path: upload.path, url });
  return json(200, { result: [{ id: upload.id, url, path: upload.path, size: upload.bytes.length, name: upload.name, category: 0, err_msg: '' }] });
}

function listVideos(ctx: SimContext, req: RouteRequest): Reply {
  const account = queryAccount(ctx, req.query);
  return json(200, { data: pageOf(ctx.jobs.list(account.email), req.query, 40).map((j) => videoObject(j, ctx.origin)) });
}

function getVideo(ctx: SimContext, req: RouteRequest): Reply {
  const id = videoIdParam(req.params[0]!);
  const job = ctx.jobs.get(id);
  // 404 while processing, like the real API: only final videos are returned.
  if (job && ctx.accounts.get(job.email)?.sessionBroken) throw brokenSession(job.email);
  if (!job || !isFinal(job.status)) throw new HttpError(404, `Video ${id} not found`);
  return json(200, videoObject(job, ctx.origin));
}

function deleteVideo(ctx: SimContext, req: RouteRequest): Reply {
  const id = videoIdParam(req.params[0]!);
  if (!ctx.jobs.remove(id)) throw new HttpError(404, `Video ${id} not found`);
  return json(204);
}

// ---- catalog lists -------------------------------------------------------------------------------

function getEffects(ctx: SimContext, req: RouteRequest): Reply {
  queryAccount(ctx, req.query);
  // The 2026 page documents no paging (reference §6): the whole list, unless the client asks for a page.
  // Thumbnails point at media this simulator serves.
  const items = ctx.options.templates.effects.map((e) => ({ ...e, thumbnail_path: `${ctx.origin}/media/gen/320x180.jpg`, thumbnail_video_path: `${ctx.origin}/media/gen/320x180-5000ms.mp4` }));
  return json(200, { items: req.query.has('limit') || req.query.has('offset') ? pageOf(items, req.query, items.length) : items });
}

function getVoices(ctx: SimContext, req: RouteRequest): Reply {
  queryAccount(ctx, req.query);
  return json(200, { tts_list: ctx.options.templates.voices });
}

function getRestyles(ctx: SimContext, req: RouteRequest): Reply {
  queryAccount(ctx, req.query);
  return json(200, { items: ctx.options.templates.restyles });
}

// ---- scheduler -----------------------------------------------------------------------------------

/** Today's `{id, type}` items, or the 2025 shape (`videoId` in scheduler, `video_id` in available). */
function schedulerItem(ctx: SimContext, j: SimJob, legacyKey: 'videoId' | 'video_id') {
  const id = ctx.options.schedulerShape === '2025' ? { [legacyKey]: j.videoId } : { id: j.videoId, type: 'video' };
  return { ...id, ...running(ctx, j) };
}

function getScheduler(ctx: SimContext): Reply {
  return json(200, ctx.jobs.scheduled().map((j) => schedulerItem(ctx, j, 'videoId')));
}

function getSchedulerAvailable(ctx: SimContext): Reply {
  return json(200, {
    executing: ctx.jobs.scheduled().map((j) => schedulerItem(ctx, j, 'video_id')),
    available: ctx.accounts.list().map((a) => ({ email: a.email, maxJobs: a.maxJobs, executing: a.executing, available: Math.max(0, a.maxJobs - a.executing) })),
  });
}

function deleteScheduler(ctx: SimContext, req: RouteRequest): Reply {
  const id = videoIdParam(req.params[0]!);
  if (!ctx.jobs.untrack(id)) throw new HttpError(404, `Unable to locate running ${id}`);
  return json(204);
}
