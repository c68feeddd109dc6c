/** Shared helpers for the simulator tests: a tiny HTTP client, a manual clock, polling, temp dirs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';
import type { Simulator } from '../../src/sim/index.js';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Calls the simulator's API with its token (unless `token` is given) and parses the JSON answer. */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string | null; headers?: Record<string, string>; raw?: Buffer | string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? sim.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: Buffer | string | undefined = options.raw;
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${sim.url}/${path.replace(/^\//, '')}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export const post = (sim: Simulator, path: string, body: unknown, options?: Parameters<typeof call>[4]) => call(sim, 'POST', path, body, options);
export const get = (sim: Simulator, path: string, options?: Parameters<typeof call>[4]) => call(sim, 'GET', path, undefined, options);

/** Polls `probe` until it returns something defined (real time, bounded). */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The useapi batch-script way: poll GET videos/{id} (404 while processing) until 200, then return the video. */
export function pollVideo(sim: Simulator, videoId: string): Promise<any> {
  return waitFor(async () => {
    const r = await get(sim, `videos/${videoId}`);
    if (r.status === 200) return r.body;
    if (r.status !== 404) throw new Error(`unexpected ${r.status}`);
    return undefined;
  });
}

/** A clock that only moves when told to: sleepers wake in time order as `advance` passes them. */
export class ManualClock implements Clock {
  private time = Date.parse('2025-08-30T10:00:00.000Z');
  private sleepers: { at: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = {
        at: this.time + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking sleepers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await flush();
      const due = this.sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.time = Math.max(this.time, due.at);
      due.wake();
    }
    this.time = target;
    await flush();
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

/** A temp directory removed by the returned cleanup. */
export async function tempDir(prefix = 'pixrender-sim-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** An HTTP server that records JSON POSTs (a replyUrl receiver). */
export async function startReceiver(): Promise<{ url: string; received: any[]; close: () => Promise<void> }> {
  const received: any[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A 1x1 PNG, for uploads. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Uploads bytes with POST files and returns the `path`. */
export async function upload(sim: Simulator, bytes: Buffer, contentType: string): Promise<string> {
  const r = await call(sim, 'POST', 'files', undefined, { headers: { 'content-type': contentType }, raw: bytes });
  if (r.status !== 200) throw new Error(`upload failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.result ? r.body.result[0].path : r.body.path;
}
