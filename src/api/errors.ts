/**
 * Typed errors of the API client. Every failed call becomes one `ApiError` whose `kind` tells the
 * executor what to do (retry later, stop the batch, skip the job, look for an orphaned job), and whose
 * `outcomeUnknown` says whether a generation POST may have created a job despite the failure.
 *
 * The API token never appears in an error: messages and API texts pass through `redact`, and the
 * low-level cause is kept only as a redacted code and message, never as the original object.
 */

export type ApiErrorKind =
  | 'bad-request' // 400 and other 4xx without a kind of their own: no job
  | 'unauthorized' // 401, 403: bad or missing token
  | 'payment-required' // 402: useapi.net subscription expired
  | 'not-found' // 404, 410
  | 'insufficient-credits' // 412: PixVerse credits used up
  | 'moderated' // 422: rejected by moderation at submit time
  | 'busy' // 429: no free slot (or PixVerse throttling); no job was created
  | 'account-broken' // 596: the PixVerse account's stored session is broken until it is added again
  | 'server' // 5xx, or a 2xx answer the client cannot read
  | 'network' // connection refused/reset, socket errors, truncated bodies
  | 'timeout' // no answer (headers or body) in time
  | 'aborted'; // the caller's AbortSignal fired

export interface ApiErrorInit {
  kind: ApiErrorKind;
  method: string;
  /** The route relative to the API base (e.g. `videos/create`), or a download URL without its query. */
  endpoint: string;
  status?: number;
  apiMessage?: string;
  outcomeUnknown?: boolean;
  /** A finer reason, e.g. `truncated`, `size-mismatch`, `invalid-response`, or a socket error code. */
  detail?: string;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  retryAfterS?: number;
  /** The low-level error's code and message, already redacted. */
  causeText?: string;
  /** The PixVerse account the failed request was for (named in it, or in the answer), when known. */
  account?: string;
}

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly method: string;
  readonly endpoint: string;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly outcomeUnknown: boolean;
  readonly detail?: string;
  readonly retryAfterS?: number;
  readonly causeText?: string;
  readonly account?: string;

  constructor(init: ApiErrorInit) {
    super(describe(init));
    this.name = 'ApiError';
    this.kind = init.kind;
    this.method = init.method;
    this.endpoint = init.endpoint;
    if (init.status !== undefined) this.status = init.status;
    if (init.apiMessage !== undefined) this.apiMessage = init.apiMessage;
    this.outcomeUnknown = init.outcomeUnknown ?? false;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.retryAfterS !== undefined) this.retryAfterS = init.retryAfterS;
    if (init.causeText !== undefined) this.causeText = init.causeText;
    if (init.account !== undefined) this.account = init.account;
  }

  toJSON(): ApiErrorInit & { name: string; message: string } {
    const { kind, method, endpoint, status, apiMessage, outcomeUnknown, detail, retryAfterS, causeText, account } = this;
    return { name: this.name, message: this.message, kind, method, endpoint, status, apiMessage, outcomeUnknown, detail, retryAfterS, causeText, account };
  }
}

function describe(init: ApiErrorInit): string {
  const head = `${init.method} ${init.endpoint}: ${init.kind}${init.status !== undefined ? ` (HTTP ${init.status})` : ''}`;
  const parts = [head];
  if (init.detail) parts.push(init.detail);
  if (init.apiMessage) parts.push(init.apiMessage);
  else if (init.causeText) parts.push(init.causeText);
  if (init.outcomeUnknown) parts.push('the job may have been created');
  return parts.join(' — ');
}

export function isApiError(e: unknown, kind?: ApiErrorKind | readonly ApiErrorKind[]): e is ApiError {
  if (!(e instanceof ApiError)) return false;
  if (kind === undefined) return true;
  return typeof kind === 'string' ? e.kind === kind : kind.includes(e.kind);
}

/** The kind an HTTP error status stands for. */
export function kindOfStatus(status: number): ApiErrorKind {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
    case 403:
      return 'unauthorized';
    case 402:
      return 'payment-required';
    case 404:
    case 410:
      return 'not-found';
    case 408:
      return 'timeout';
    case 412:
      return 'insufficient-credits';
    case 422:
      return 'moderated';
    case 429:
      return 'busy';
    case 596:
      return 'account-broken';
  }
  return status >= 400 && status < 500 ? 'bad-request' : 'server';
}

/**
 * Whether a failed generation POST may still have created a job. Definitive refusals (4xx) say no, and
 * so does 596: the account's session was refused before PixVerse accepted anything (UNCONFIRMED; the
 * reference's advice is to route the request to another account, reference 2026 §7). A 5xx cannot
 * prove that nothing was started, nor can a lost connection or a timeout once the
 * request may have reached the server.
 */
export function mayHaveCreatedJob(kind: ApiErrorKind, requestMaybeSent: boolean): boolean {
  switch (kind) {
    case 'server':
      return true;
    case 'network':
    case 'timeout':
    case 'aborted':
      return requestMaybeSent;
    default:
      return false;
  }
}

/**
 * The API's error text from a response body: `{"error": "...", "code": n}` with or without `code`,
 * `{"message": "..."}`, or a plain sentence. Long bodies (an HTML error page) are cut short.
 */
export function apiMessageFrom(body: string): string | undefined {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'string') return clip(parsed);
    if (typeof parsed === 'object' && parsed !== null) {
      const o = parsed as Record<string, unknown>;
      for (const key of ['error', 'message', 'detail']) {
        const v = o[key];
        if (typeof v === 'string' && v.trim() !== '') return clip(v.trim());
        if (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string')
          return clip((v as { message: string }).message);
      }
      return clip(text);
    }
  } catch {
    // not JSON: a plain sentence
  }
  return clip(text);
}

function clip(s: string, max = 500): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Replaces the token (and its secret part after `user:<id>-`) with `***` in any text (see src/redact.ts). */
export { redactor } from '../redact.js';

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - now) / 1000));
}

/** Socket/connection error codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_INVALID_ARG', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

export interface TransportFailure {
  kind: 'network' | 'timeout' | 'aborted';
  requestMaybeSent: boolean;
  code?: string;
  causeText: string;
}

/** Classifies an error thrown by undici (or by streaming a body) without keeping the original object. */
export function classifyTransportError(error: unknown, redact: (s: string) => string, signal?: AbortSignal): TransportFailure {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const causeText = redact(code ? `${code}: ${message}` : message);
  if (signal?.aborted || e?.name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return { kind: 'aborted', requestMaybeSent: true, ...(code ? { code } : {}), causeText };
  }
  const requestMaybeSent = !(code !== undefined && NOT_SENT_CODES.has(code));
  const kind = code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'network';
  return { kind, requestMaybeSent, ...(code ? { code } : {}), causeText };
}
