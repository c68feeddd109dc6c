/**
 * `PixverseClient`: the PixverseApi over undici, one typed method per endpoint of the API reference §8.
 *
 * It never retries a POST: resubmitting a generation that had in fact been accepted would start (and
 * pay for) a second job, so retry policy belongs to the executor, guided by `ApiError.kind` and
 * `outcomeUnknown`. GETs may be retried on transport and 5xx failures (`getRetries`, default 0).
 */
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { DownloadCallOptions, DownloadResult, ListOptions, PixverseApi } from './api.js';
import { download } from './download.js';
import { ApiError, apiMessageFrom, classifyTransportError, kindOfStatus, mayHaveCreatedJob, redactor, retryAfterSeconds } from './errors.js';
import { ENDPOINTS } from '../kinds/index.js';
import type * as P from './protocol.js';
import { schedulerItemId } from './protocol.js';

export interface PixverseClientOptions {
  /** The API base, e.g. `https://api.useapi.net/v2/pixverse` or a simulator's `url`. */
  baseUrl: string;
  token: string;
  /** Headers timeout and body idle timeout of every request. @default 60000 */
  timeoutMs?: number;
  /** Keep-alive connections per origin of the client's own agent. @default 16 */
  connections?: number;
  /** A dispatcher to use instead of the client's own agent; the caller owns (and closes) it. */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Extra attempts for a GET that failed on the network, by timeout or with a 5xx. @default 0 */
  getRetries?: number;
}

/** Generation routes, with the older version-suffixed aliases (`videos/create-v4`). */
const GENERATION_ROUTE = new RegExp(`^(${ENDPOINTS.map((e) => e.replace(/[/-]/g, '\\$&')).join('|')})(-v\\d+)?$`);

export function isGenerationRoute(route: string): boolean {
  return GENERATION_ROUTE.test(route);
}

/**
 * One path segment for an id or email. Kept raw (`:` and `@` stay as they are; the API refuses a
 * percent-encoded video_id, reference §1.4); only characters that would change the URL's structure
 * or cannot appear in a path are encoded.
 */
export function pathSegment(value: string): string {
  return value.replace(/[/?#%\s\u0000-\u001f\u007f]/g, (c) => encodeURIComponent(c));
}

interface CallOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  raw?: { body: Buffer | Readable; contentType: string; size?: number };
  /** 404 answers `null` instead of throwing. */
  notFoundAsNull?: boolean;
}

export class PixverseClient implements PixverseApi {
  readonly baseUrl: string;
  readonly #authorization: string;
  readonly #redact: (text: string) => string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #getRetries: number;
  #closed = false;

  constructor(options: PixverseClientOptions) {
    if (typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl))
      throw new TypeError(`PixverseClient: baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
    if (typeof options.token !== 'string' || options.token === '') throw new TypeError('PixverseClient: token must be a non-empty string');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#authorization = `Bearer ${options.token}`;
    this.#redact = redactor(options.token);
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#userAgent = options.userAgent ?? 'pixrender';
    this.#getRetries = options.getRetries ?? 0;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({ connections: options.connections ?? 16, keepAliveTimeout: 10_000, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs });
  }

  getAccounts(): Promise<P.AccountsResponse> {
    return this.#call('GET', 'accounts') as Promise<P.AccountsResponse>;
  }
  getAccount(email: string): Promise<P.PixverseAccount> {
    return this.#call('GET', `accounts/${pathSegment(email)}`) as Promise<P.PixverseAccount>;
  }
  putAccount(email: string, body: P.AccountConfigRequest): Promise<P.PixverseAccount> {
    return this.#call('POST', `accounts/${pathSegment(email)}`, { json: body }) as Promise<P.PixverseAccount>;
  }
  async deleteAccount(email: string): Promise<void> {
    await this.#call('DELETE', `accounts/${pathSegment(email)}`);
  }
  getFeatures(email?: string): Promise<P.FeaturesResponse> {
    return this.#call('GET', 'features', { query: { email } }) as Promise<P.FeaturesResponse>;
  }

  uploadFile(body: Buffer | Readable, contentType: string, options: { email?: string; size?: number } = {}): Promise<P.UploadImageResponse | P.UploadMediaResponse> {
    const raw = { body, contentType, ...(options.size !== undefined ? { size: options.size } : {}) };
    return this.#call('POST', 'files', { query: { email: options.email }, raw }) as Promise<P.UploadImageResponse | P.UploadMediaResponse>;
  }

  async listVideos(options: ListOptions = {}): Promise<P.VideoListResponse> {
    const data = await this.#call('GET', 'videos', { query: { ...options } });
    return Array.isArray(data) ? { data: data as P.VideoObject[] } : (data as P.VideoListResponse);
  }
  getVideo(videoId: string): Promise<P.VideoObject | null> {
    return this.#call('GET', `videos/${pathSegment(videoId)}`, { notFoundAsNull: true }) as Promise<P.VideoObject | null>;
  }
  async deleteVideo(videoId: string): Promise<void> {
    await this.#call('DELETE', `videos/${pathSegment(videoId)}`);
  }

  create(req: P.CreateRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/create', req);
  }
  createFrames(req: P.CreateFramesRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/create-frames', req);
  }
  extend(req: P.ExtendRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/extend', req);
  }
  restyle(req: P.RestyleRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/restyle', req);
  }
  createFusion(req: P.FusionRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/create-fusion', req);
  }
  createTransition(req: P.TransitionRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/create-transition', req);
  }
  lipsync(req: P.LipsyncRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/lipsync', req);
  }
  upscale(req: P.UpscaleRequest): Promise<P.GenerationResponse> {
    return this.generate('videos/upscale', req);
  }

  async generate(endpoint: string, body: object): Promise<P.GenerationResponse> {
    const route = endpoint.replace(/^\/+/, '');
    if (!isGenerationRoute(route)) throw new TypeError(`not a generation endpoint: ${JSON.stringify(endpoint)}`);
    const data = await this.#call('POST', route, { json: body });
    const o = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    // Image templates answer `image_id` instead of `video_id` (reference §8.10); both poll the same way.
    const id = typeof o.video_id === 'string' && o.video_id ? o.video_id : typeof o.image_id === 'string' ? o.image_id : '';
    if (!id) throw new ApiError({ kind: 'server', method: 'POST', endpoint: route, status: 200, detail: 'invalid-response', causeText: 'no video_id in the answer', outcomeUnknown: true });
    const cost = o.cost_credits;
    return { ...o, video_id: id, ...(typeof cost === 'number' ? { cost_credits: cost } : {}) } as P.GenerationResponse;
  }

  getVoices(email?: string): Promise<P.VoicesResponse> {
    return this.#listOf('videos/voices', 'tts_list', { email }) as Promise<P.VoicesResponse>;
  }
  getEffects(options: ListOptions = {}): Promise<P.EffectsResponse> {
    return this.#listOf('videos/effects', 'items', { ...options }) as Promise<P.EffectsResponse>;
  }
  getRestyles(email?: string): Promise<P.RestylesResponse> {
    return this.#listOf('videos/restyles', 'items', { email }) as Promise<P.RestylesResponse>;
  }

  /** Items carry `videoId` whichever shape the API used (`id` 2026, `videoId` / `video_id` before). */
  async getScheduler(): Promise<P.SchedulerItem[]> {
    const data = await this.#call('GET', 'scheduler');
    const items = Array.isArray(data) ? data : ((data as { items?: unknown; data?: unknown } | null)?.items ?? (data as { data?: unknown } | null)?.data);
    if (!Array.isArray(items)) throw this.#invalid('scheduler');
    return items.map(withVideoId);
  }
  /** Refuses an answer whose executing items carry no id: reading it as "nothing runs" would look finished. */
  async getSchedulerAvailable(): Promise<P.SchedulerAvailable> {
    const data = (await this.#call('GET', 'scheduler/available')) as Partial<P.SchedulerAvailable> | null;
    const executing = data?.executing;
    if (!Array.isArray(executing) || !executing.every((item) => item && schedulerItemId(item) !== undefined)) throw this.#invalid('scheduler/available');
    return { executing: executing.map(withVideoId), available: Array.isArray(data?.available) ? data.available : [] };
  }
  #invalid(endpoint: string): ApiError {
    return new ApiError({ kind: 'server', method: 'GET', endpoint, status: 200, detail: 'invalid-response' });
  }
  async deleteScheduler(videoId: string): Promise<void> {
    await this.#call('DELETE', `scheduler/${pathSegment(videoId)}`);
  }

  /** Media on the API's own origin gets the token; media hosts (media.pixverse.ai) never do. */
  download(url: string, dest: string, options: DownloadCallOptions = {}): Promise<DownloadResult> {
    const absolute = new URL(url, `${this.baseUrl}/`).toString();
    return download(absolute, dest, {
      ...options,
      dispatcher: this.#dispatcher,
      timeoutMs: this.#timeoutMs,
      userAgent: this.#userAgent,
      auth: { origin: new URL(this.baseUrl).origin, authorization: this.#authorization },
      redact: this.#redact,
    });
  }

  /** Closes the client's own agent (not a dispatcher passed in). Calling it again is a no-op. */
  async close(): Promise<void> {
    if (!this.#ownsDispatcher || this.#closed) return;
    this.#closed = true;
    await this.#dispatcher.close();
  }

  async #listOf(route: string, key: string, query: CallOptions['query']): Promise<unknown> {
    const data = await this.#call('GET', route, { query });
    return Array.isArray(data) ? { [key]: data } : data;
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', route: string, options: CallOptions = {}): Promise<unknown> {
    const attempts = method === 'GET' ? 1 + this.#getRetries : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(method, route, options);
      } catch (error) {
        const retryable = error instanceof ApiError && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server');
        if (!retryable || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  async #once(method: 'GET' | 'POST' | 'DELETE', route: string, options: CallOptions): Promise<unknown> {
    const generation = method === 'POST' && isGenerationRoute(route);
    const fail = (init: Omit<ConstructorParameters<typeof ApiError>[0], 'method' | 'endpoint'>): ApiError =>
      new ApiError({ method, endpoint: this.#redact(route), ...init });

    const headers: Record<string, string> = { authorization: this.#authorization, accept: 'application/json', 'user-agent': this.#userAgent };
    let body: string | Buffer | Readable | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      if (options.raw.size !== undefined) headers['content-length'] = String(options.raw.size);
      body = options.raw.body;
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }

    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(this.#url(route, options.query), {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        dispatcher: this.#dispatcher,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      text = await res.body.text();
    } catch (error) {
      const t = classifyTransportError(error, this.#redact);
      throw fail({ kind: t.kind, ...(t.code ? { detail: t.code } : {}), causeText: t.causeText, outcomeUnknown: generation && mayHaveCreatedJob(t.kind, t.requestMaybeSent) });
    }

    const status = res.statusCode;
    if (status === 404 && options.notFoundAsNull) return null;
    if (status < 200 || status >= 300) {
      const kind = kindOfStatus(status);
      const apiMessage = apiMessageFrom(this.#redact(text));
      const retryAfterS = retryAfterSeconds(res.headers['retry-after']);
      const account = kind === 'account-broken' ? accountOf(options, apiMessage) : undefined;
      throw fail({
        kind,
        status,
        ...(apiMessage ? { apiMessage } : {}),
        ...(account ? { account } : {}),
        ...(retryAfterS !== undefined ? { retryAfterS } : {}),
        outcomeUnknown: generation && mayHaveCreatedJob(kind, true),
      });
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw fail({ kind: 'server', status, detail: 'invalid-response', causeText: 'the answer is not JSON', outcomeUnknown: generation });
    }
  }

  #url(route: string, query: CallOptions['query']): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
    const qs = params.toString();
    return `${this.baseUrl}/${route}${qs ? `?${qs}` : ''}`;
  }
}

/** A scheduler item with `videoId` set from whichever id field the API used. */
function withVideoId(item: P.SchedulerItem): P.SchedulerItem {
  const id = item && typeof item === 'object' ? schedulerItemId(item) : undefined;
  return id ? { ...item, videoId: id } : item;
}

/** The account a request was for: its `email` (query or body), else an address the answer names. */
function accountOf(options: CallOptions, apiMessage: string | undefined): string | undefined {
  const named = options.query?.email ?? (options.json as { email?: unknown } | undefined)?.email;
  if (typeof named === 'string' && named !== '') return named;
  return /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(apiMessage ?? '')?.[0];
}
