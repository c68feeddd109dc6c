/**
 * An optional callback receiver: a local HTTP listener whose URL is sent as `replyUrl`, so the API
 * tells us when a job changes instead of us asking. Callbacks are untrusted hints (no signature is
 * documented): a final one only makes the poller confirm that job with GET videos/{id} at once.
 *
 * Anyone who can reach the port can POST to it, so the URL ends in a secret of this run (32 random
 * bytes, compared in constant time): a request to any other path is answered 404 and touches nothing.
 * Each video is forwarded at most once, and only up to MAX_VIDEOS distinct ones, so even callbacks that
 * know the secret cost at most one confirmation per job. The payload nesting is unconfirmed, so
 * `video_id` is read at top level or under `response`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackReceiver {
  /** The URL to send as replyUrl (it carries the secret: never print it). */
  url: string;
  close(): Promise<void>;
}

export interface CallbackReceiverOptions {
  /** Where to listen. @default 127.0.0.1 on a free port */
  host?: string;
  port?: number;
  /** The URL the API should call, when it differs from the listener's (e.g. behind a tunnel); the secret is appended as its last path segment. */
  publicUrl?: string;
  /** Called once per video id, for the first callback that reports a final status. */
  onFinal(videoId: string): void;
}

/** The listener could not start (its port is taken or not allowed): bad input, not a bug. */
export class CallbackListenerError extends Error {
  constructor(
    readonly port: number | undefined,
    readonly code: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `the callback port ${port} is already in use: choose another --callback-port, or leave it out for a free one`
        : `cannot listen for callbacks${port !== undefined ? ` on port ${port}` : ''} (${code})`,
    );
    this.name = 'CallbackListenerError';
  }
}

const MAX_BODY = 1024 * 1024;
/** Distinct videos forwarded per run; more than any batch holds, small enough to bound a flood. */
const MAX_VIDEOS = 10_000;
const PATH_PREFIX = '/pixrender/callback/';

/** Whether the request's last path segment is the secret, in time that does not depend on how much of it matches. */
function carriesSecret(requestUrl: string | undefined, secret: Buffer): boolean {
  const path = (requestUrl ?? '').split('?')[0]!;
  const given = Buffer.from(path.slice(path.lastIndexOf('/') + 1));
  // timingSafeEqual needs equal lengths; comparing the secret with itself keeps the time the same.
  const same = given.length === secret.length;
  return timingSafeEqual(same ? given : secret, secret) && same;
}

/** Binds and releases the listener's port, so a taken one is reported before anything is planned or submitted. */
export async function checkCallbackPort(options: { host?: string; port?: number }): Promise<void> {
  if (!options.port) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new CallbackListenerError(options.port, error.code ?? 'error')));
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  await new Promise((resolve) => server.close(resolve));
}

export async function startCallbackReceiver(options: CallbackReceiverOptions): Promise<CallbackReceiver> {
  const secretText = randomBytes(32).toString('base64url');
  const secret = Buffer.from(secretText);
  const forwarded = new Set<string>();
  const server: Server = createServer((req, res) => {
    if (!carriesSecret(req.url, secret)) {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      res.writeHead(204).end();
      const videoId = finalVideoOf(body);
      if (videoId === undefined || forwarded.has(videoId) || forwarded.size >= MAX_VIDEOS) return;
      forwarded.add(videoId);
      options.onFinal(videoId);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(new CallbackListenerError(options.port, error.code ?? 'error')));
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = new URL(options.publicUrl ?? `http://${options.host ?? '127.0.0.1'}:${port}${PATH_PREFIX}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${secretText}`;
  return {
    url: url.toString(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The video id of a callback that reports a final status, or undefined (not JSON, not final, no id). */
function finalVideoOf(body: string): string | undefined {
  try {
    const payload = JSON.parse(body) as Record<string, any>;
    const video = (payload.response && typeof payload.response === 'object' ? payload.response : payload) as Record<string, unknown>;
    const videoId = video.video_id ?? payload.video_id;
    const final = video.video_status_final === true && video.video_status !== 5;
    return typeof videoId === 'string' && final ? videoId : undefined;
  } catch {
    return undefined; // not JSON: ignore, polling still covers the job
  }
}
