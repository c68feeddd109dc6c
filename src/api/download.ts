/**
 * Streams a media URL to a file without ever leaving a partial file at the destination: bytes go to
 * `.<name>.<random>.part` beside `dest` while being hashed and counted, are checked against
 * Content-Length and the expected size, fsynced, checked again on disk, then renamed over `dest` in
 * one step. HTTP and transfer failures throw `ApiError`; a disk that refuses the bytes (full,
 * read-only, no permission, a short write) throws `DiskError` naming the file. Either way the temp
 * file is removed and whatever was at `dest` is left as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { request, type Dispatcher } from 'undici';
import { fsyncDirectory } from '../state/atomic.js';
import { assertFolderWithin, type WriteRoots } from '../state/contained.js';
import { DiskError, makeFolder, nodeStateFs, rethrowDisk, writeAll, type StateFileHandle } from '../state/fs.js';
import type { DownloadResult } from './api.js';
import { ApiError, apiMessageFrom, classifyTransportError, kindOfStatus } from './errors.js';

export interface DownloadOptions {
  expectedSize?: number;
  /** The bytes must hash to this (a recorded render restored): anything else never reaches `dest`. */
  expectedSha256?: string;
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
  /** The folders `dest` must really be in (no symbolic link leading out), checked before the temp file opens and again right before the rename. */
  within?: WriteRoots;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/**
 * Body bytes undici may buffer before it pauses the socket. Large, so a slow disk write never pauses it:
 * undici 7 throws an uncatchable assertion when a paused response sees the server close (nodejs/undici#5360).
 */
const BODY_BUFFER = 8 * 1024 * 1024;

export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const redact = options.redact ?? ((s: string) => s);
  const where = redact(withoutQuery(url));
  const fail = (init: Omit<ConstructorParameters<typeof ApiError>[0], 'method' | 'endpoint'>): ApiError =>
    new ApiError({ method: 'GET', endpoint: where, ...init });

  const dir = dirname(dest);
  const temp = join(dir, `.${basename(dest)}.${randomBytes(6).toString('hex')}.part`);
  // The file first: a disk that cannot take it fails before anything is fetched, and the body is read
  // as soon as it arrives.
  // Checked before the folder is made too: a link that leads out gets no new folder either.
  if (options.within) await assertFolderWithin(dest, options.within);
  await makeFolder(dir);
  if (options.within) await assertFolderWithin(dest, options.within);
  const file = await nodeStateFs.open(temp, 'wx').catch((error: unknown) => rethrowDisk(error, dest));
  let body: OpenBody | undefined;
  try {
    body = await openBody(url, options, fail, redact);
    const { sha256, size } = await copyBody(body, file, dest, fail, redact, options.signal);
    if (body.contentLength !== undefined && size !== body.contentLength)
      throw fail({ kind: 'network', detail: 'truncated', causeText: `received ${size} of ${body.contentLength} bytes` });
    if (options.expectedSize !== undefined && size !== options.expectedSize)
      throw fail({ kind: 'network', detail: 'size-mismatch', causeText: `received ${size} bytes, expected ${options.expectedSize}` });
    if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256)
      throw fail({ kind: 'server', detail: 'hash-mismatch', causeText: `received bytes with sha256 ${sha256}, expected ${options.expectedSha256}` });
    await file.sync();
    // What the disk holds, not what was handed to it, is what gets recorded.
    const onDisk = (await file.stat()).size;
    if (onDisk !== size) throw new DiskError('short-write', dest, 'EIO', `${onDisk} of ${size} bytes on disk`);
    await file.close();
    if (options.within) await assertFolderWithin(dest, options.within);
    await nodeStateFs.rename(temp, dest);
    await fsyncDirectory(dir).catch(() => undefined);
    return { sha256, size };
  } catch (error) {
    body?.stream.destroy();
    await file.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error instanceof DiskError && error.path === temp ? new DiskError(error.kind, dest, error.code) : error;
  }
}

/** Hashes, counts and writes the body; a failing socket is an ApiError, a failing disk a DiskError. */
async function copyBody(
  body: OpenBody,
  file: StateFileHandle,
  dest: string,
  fail: (init: Omit<ConstructorParameters<typeof ApiError>[0], 'method' | 'endpoint'>) => ApiError,
  redact: (text: string) => string,
  signal: AbortSignal | undefined,
): Promise<DownloadResult> {
  const hash = createHash('sha256');
  let size = 0;
  const chunks = (body.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      const t = classifyTransportError(error, redact, signal);
      throw fail({ kind: t.kind, detail: t.kind === 'aborted' ? 'aborted' : 'truncated', causeText: t.causeText });
    }
    if (next.done) return { sha256: hash.digest('hex'), size };
    hash.update(next.value);
    size += next.value.length;
    await writeAll(file, next.value, dest);
  }
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
        highWaterMark: BODY_BUFFER,
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
