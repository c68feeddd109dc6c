/**
 * Finds the job a POST may have created when its answer was lost (reset, timeout, 5xx, kill -9).
 *
 * GET scheduler lists running jobs with their replyRef: decisive. A job that already left it is looked up
 * in GET videos of every account, page after page, back to the attempt's time (minus a clock-skew
 * allowance), so no number of newer videos hides it. The API does not echo replyRef there, so a listed
 * video is the attempt's only when every request field the video object echoes agrees, when no other job
 * or attempt claimed it, and when the request has something that tells it apart (a prompt, a seed, an
 * input). Anything less is `ambiguous`: the caller keeps the attempt open and asks the user, never guesses.
 * An API error while looking throws: the answer is unclear, and the caller must not resubmit.
 */
import type { PixverseApi } from '../api/api.js';
import { isApiError } from '../api/errors.js';
import { schedulerItemId, type VideoObject } from '../api/protocol.js';

export type ReconcileAnswer =
  | { kind: 'found'; videoId: string }
  /** Every page back to the attempt's time was read and nothing could be this attempt's job. */
  | { kind: 'absent' }
  /** Videos that may be this attempt's job, but the echoed fields cannot prove which (or that any) is. */
  | { kind: 'ambiguous'; candidates: string[] }
  /** A match that another attempt of this run, still waiting for its own answer, may own: look again soon. */
  | { kind: 'contested'; candidates: string[] };

/** One submission attempt as reconcile sees it: the request as sent (minus replyRef) and when. */
export interface AttemptRequest {
  replyRef: string;
  body: Record<string, unknown>;
  /** ISO time the intent was recorded, before the POST. */
  intentAt: string;
}

/** Video ids that belong to known jobs, and attempts of this run whose POST has not answered yet. */
export interface ClaimView {
  isClaimed(videoId: string): boolean;
  /** Other attempts whose outcome is still open in this run (their POST in flight, or unknown). */
  openAttempts(except: string): AttemptRequest[];
}

export interface ReconcileOptions {
  claims?: ClaimView;
  /** How far the API's clock may run behind ours. @default 120000 */
  skewMs?: number;
  /** @default 100 */
  pageSize?: number;
  /** Pages per account before the answer counts as unclear (a listing that never ends). @default 500 */
  maxPages?: number;
  /** Tries of each GET before the lookup counts as unclear (GETs create nothing, so they may repeat). @default 3 */
  callAttempts?: number;
  /** Waits between those tries. @default no wait */
  pause?: (ms: number) => Promise<void>;
  onRequest?: (what: string) => void;
}

const NO_CLAIMS: ClaimView = { isClaimed: () => false, openAttempts: () => [] };

export async function reconcile(api: PixverseApi, attempt: AttemptRequest, options: ReconcileOptions = {}): Promise<ReconcileAnswer> {
  const get = <T>(what: string, call: () => Promise<T>) => withRetries(what, call, options);
  const running = await get('scheduler', () => api.getScheduler());
  const hit = running.find((item) => item.replyRef === attempt.replyRef);
  const hitId = hit ? schedulerItemId(hit) : undefined;
  if (hitId) return { kind: 'found', videoId: hitId };
  const emails = Object.keys(await get('accounts', () => api.getAccounts()));
  const videos = new Map<string, VideoObject>();
  for (const email of emails.length > 0 ? emails : [undefined]) {
    for (const v of await listBack(api, email, cutoffOf(attempt, options.skewMs), options)) videos.set(v.video_id, v);
  }
  return judge(attempt, [...videos.values()], options.claims ?? NO_CLAIMS, options.skewMs);
}

/** Every video of one account from the newest back to `cutoff` (the listing is newest first). */
async function listBack(api: PixverseApi, email: string | undefined, cutoff: number, options: ReconcileOptions): Promise<VideoObject[]> {
  const limit = options.pageSize ?? 100;
  const out: VideoObject[] = [];
  // Offsets count from the newest video: videos added meanwhile shift older ones further back, so a page
  // may repeat a video but never skips one (a deletion meanwhile could: the skew allowance reads a little
  // further back). The API may cap `limit`; advance by what it returned.
  let offset = 0;
  for (let page = 0; page < (options.maxPages ?? 500); page++) {
    const at = offset;
    const { data } = await withRetries('videos', () => api.listVideos({ ...(email ? { email } : {}), limit, offset: at }), options);
    if (data.length === 0) return out;
    out.push(...data);
    offset += data.length;
    const oldest = Math.min(...data.map((v) => createdAt(v) ?? Infinity));
    if (oldest < cutoff) return out;
  }
  throw new Error(`GET videos${email ? ` of ${email}` : ''} did not reach the attempt's time within ${options.maxPages ?? 500} pages`);
}

async function withRetries<T>(what: string, call: () => Promise<T>, options: ReconcileOptions): Promise<T> {
  const attempts = options.callAttempts ?? 3;
  for (let n = 1; ; n++) {
    options.onRequest?.(what);
    try {
      return await call();
    } catch (error) {
      if (n >= attempts || isApiError(error, ['unauthorized', 'bad-request'])) throw error;
      await options.pause?.(250 * n);
    }
  }
}

function judge(attempt: AttemptRequest, videos: VideoObject[], claims: ClaimView, skewMs?: number): ReconcileAnswer {
  // Where the API echoes replyRef, it decides: this attempt's, or certainly not.
  const mine = videos.find((v) => typeof v.replyRef === 'string' && v.replyRef === attempt.replyRef);
  if (mine) return { kind: 'found', videoId: mine.video_id };
  const cutoff = cutoffOf(attempt, skewMs);
  const others = claims.openAttempts(attempt.replyRef);
  const fresh = videos.filter((v) => typeof v.replyRef !== 'string' && !claims.isClaimed(v.video_id) && (createdAt(v) ?? Infinity) >= cutoff);
  const matches = fresh.filter((v) => confirms(attempt.body, v));
  const ownedByOther = (v: VideoObject) => others.some((o) => confirms(o.body, v) && distinguishing(o.body, v));
  const contested = matches.filter(ownedByOther);
  if (contested.length > 0) return { kind: 'contested', candidates: contested.map((v) => v.video_id) };
  // A video that agrees on everything that identifies a request but differs in a setting the API may
  // adjust (a template's own duration, say) may still be ours: it makes "absent" unsafe to claim, unless
  // another open attempt of this run explains it.
  const near = fresh.filter((v) => !matches.includes(v) && nearMiss(attempt.body, v) && !ownedByOther(v));
  if (matches.length === 0 && near.length === 0) return { kind: 'absent' };
  if (matches.length === 1 && near.length === 0 && distinguishing(attempt.body, matches[0]!)) return { kind: 'found', videoId: matches[0]!.video_id };
  return { kind: 'ambiguous', candidates: [...matches, ...near].map((v) => v.video_id) };
}

/** Request fields that say nothing about the video itself. */
const CONTROL_FIELDS = new Set(['replyRef', 'replyUrl', 'email', 'maxJobs']);

/**
 * Where the video object echoes a request field under another name or shape. A source video shows as
 * `original_video_id` only on upscales ("0 otherwise"): elsewhere it is not echoed at all.
 */
const ECHO_ALIASES: Record<string, (v: VideoObject) => unknown> = {
  video_id: (v) => (v.original_video_id && v.original_video_id !== '0' ? v.original_video_id : undefined),
  audio_path: (v) => (v.lip_sync && typeof v.lip_sync === 'object' ? (v.lip_sync as Record<string, unknown>).audio_path || undefined : undefined),
};

/** The value the video echoes for a request field, or undefined when it does not echo it. */
export function echoed(v: VideoObject, field: string): unknown {
  const alias = ECHO_ALIASES[field];
  if (alias) return alias(v);
  return Object.hasOwn(v, field) ? (v as unknown as Record<string, unknown>)[field] : undefined;
}

/**
 * Where a field of the same name means something else in the video object: its `duration` is the
 * output's length, which for a job on a source video (extend: source + added seconds) or a template
 * (the template's own length) is not the requested one.
 */
function sameMeaning(body: Record<string, unknown>, field: string): boolean {
  if (field === 'duration') return body.video_id === undefined && body.video_path === undefined && body.template_id === undefined;
  return true;
}

/** The request fields this video can confirm: the request's keys that the video object also carries. */
export function comparedFields(body: Record<string, unknown>, v: VideoObject): string[] {
  return Object.keys(body).filter((k) => !CONTROL_FIELDS.has(k) && body[k] !== undefined && sameMeaning(body, k) && echoed(v, k) !== undefined);
}

/** Every request field the video echoes has the requested value. */
export function agrees(body: Record<string, unknown>, v: VideoObject): boolean {
  return comparedFields(body, v).every((k) => sameValue(body[k], echoed(v, k)));
}

/**
 * The video confirms the request: it echoes at least one of its fields, and all it echoes agree. A video
 * that echoes none (a plain clip for an audio-only lipsync) is evidence of nothing, and not a candidate.
 */
function confirms(body: Record<string, unknown>, v: VideoObject): boolean {
  return comparedFields(body, v).length > 0 && agrees(body, v);
}

/** Whether the compared fields could tell this request from another one with the same settings. */
function distinguishing(body: Record<string, unknown>, v: VideoObject): boolean {
  return comparedFields(body, v).some((k) => DISTINGUISHING.has(k) && body[k] !== '');
}

/** Fields that vary between jobs, unlike settings (model, quality, duration, aspect, template) shared by many. */
const DISTINGUISHING = new Set(['prompt', 'seed', 'video_id', 'audio_path', 'negative_prompt']);

/** Fields the API takes as given: a video that differs in one of them is another request's. */
const IDENTIFYING = new Set([...DISTINGUISHING, 'aspect_ratio', 'template_id', 'style', 'off_peak_mode']);

function nearMiss(body: Record<string, unknown>, v: VideoObject): boolean {
  if (typeof body.prompt !== 'string' || body.prompt === '' || v.prompt !== body.prompt) return false;
  return comparedFields(body, v).every((k) => !IDENTIFYING.has(k) || sameValue(body[k], echoed(v, k)));
}

function sameValue(requested: unknown, shown: unknown): boolean {
  if (typeof requested === 'boolean') return truthy(shown) === requested;
  // The API may show a number as a string (large template ids) or the other way round.
  return String(requested) === String(shown);
}

const truthy = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

function createdAt(v: VideoObject): number | undefined {
  const t = v.created_at ? Date.parse(v.created_at) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function cutoffOf(attempt: AttemptRequest, skewMs = 120_000): number {
  return Date.parse(attempt.intentAt) - skewMs;
}
