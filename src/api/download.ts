/**
 * Streams a media URL to a file without ever leaving a partial file at the destination: bytes go to
 * `.<name>.<random>.part` beside `dest` while being hashed and counted, are checked against
 * Content-Length and the expected size, fsynced, then renamed over `dest` in one step.
 * HTTP and transfer failures throw `ApiError`; local file-system errors (disk full, permissions) are
 * thrown as they are, after the temp file is removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { request, type Dispatcher } from 'undici';
import type { DownloadResult } from './api.js';
import { ApiError, apiMessageFrom, classifyTransportError, kindOfStatus } from './errors.js';

export interface DownloadOptions {
  expectedSize?: number;
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Idle time allowed while waiting for headers or between body chunks. */
  timeoutMs?: number;
  userAgent?: string;
  /** Sent only while the URL's origin equals `auth.origin`: media hosts never see the API token. */
  auth?: { origin: string; authorization: string };
  /** Applied to every text that goes into an error. */
  redact?: (text: string) => string;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const redact = options.redact ?? ((s: string) => s);
  const where = redact(withoutQuery(url));
  const fail = (init: Omit<ConstructorParameters<typeof ApiError>[0], 'method' | 'endpoint'>): ApiError =>
    new ApiError({ method: 'GET', endpoint: where, ...init });

  const body = await openBody(url, options, fail, redact);
  const dir = dirname(dest);
  const temp = join(dir, `.${basename(dest)}.${randomBytes(6).toString('hex')}.part`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    await mkdir(dir, { recursive: true });
    const file = await open(temp, 'wx');
    try {
      try {
        for await (const chunk of body.stream as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
          await file.write(chunk);
        }
      } catch (error) {
        const t = classifyTransportError(error, redact, options.signal);
        throw fail({ kind: t.kind, detail: t.kind === 'aborted' ? 'aborted' : 'truncated', causeText: t.causeText });
      }
      if (body.contentLength !== undefined && size !== body.contentLength)
        throw fail({ kind: 'network', detail: 'truncated', causeText: `received ${size} of ${body.contentLength} bytes` });
      if (options.expectedSize !== undefined && size !== options.expectedSize)
        throw fail({ kind: 'network', detail: 'size-mismatch', causeText: `received ${size} bytes, expected ${options.expectedSize}` });
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, dest);
  } catch (error) {
    body.stream.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
  return { sha256: hash.digest('hex'), size };
}

interface OpenBody {
  stream: Dispatcher.ResponseData['body'];
  contentLength?: number;
}

/** Sends the GET, following redirects, and returns the 2xx body (or throws a typed error). */
async function openBody(
  url: string,
  options: DownloadOptions,
  fail: (init: Omit<ConstructorParameters<typeof ApiError>[0], 'method' | 'endpoint'>) => ApiError,
  redact: (text: string) => string,
): Promise<OpenBody> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {};
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    if (options.auth && new URL(current).origin === options.auth.origin) headers.authorization = options.auth.authorization;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(current, {
        method: 'GET',
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        ...(options.timeoutMs !== undefined ? { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs } : {}),
      });
    } catch (error) {
      const t = classifyTransportError(error, redact, options.signal);
      throw fail({ kind: t.kind, ...(t.code ? { detail: t.code } : {}), causeText: t.causeText });
    }
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode) && typeof location === 'string') {
      await res.body.dump();
      if (hop >= (options.maxRedirects ?? 5)) throw fail({ kind: 'network', status: res.statusCode, detail: 'too-many-redirects' });
      current = new URL(location, current).toString();
      continue;
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text().catch(() => '');
      const apiMessage = apiMessageFrom(redact(text));
      throw fail({ kind: kindOfStatus(res.statusCode), status: res.statusCode, ...(apiMessage ? { apiMessage } : {}) });
    }
    const lengthHeader = res.headers['content-length'];
    const contentLength = typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    return { stream: res.body, ...(contentLength !== undefined ? { contentLength } : {}) };
  }
}

function withoutQuery(url: string): string {
  const i = url.search(/[?#]/);
  return i < 0 ? url : url.slice(0, i);
}

/** Makes the rename durable where the platform allows syncing a directory; elsewhere a no-op. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}
