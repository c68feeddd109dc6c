/**
 * The simulator's HTTP server (node:http on 127.0.0.1). Three areas:
 *   /v2/pixverse/…  the API: faults → auth → route → handler → reply (or a reset after processing)
 *   /media/…        generated videos and posters, uploads, effect thumbnails (no auth; faults apply)
 *   /__sim/…        controls and stats (no auth, no faults)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { API_PREFIX, VideoStatus } from '../api/protocol.js';
import type { SimContext } from './context.js';
import { handleControl } from './control.js';
import type { FaultDecision, RequestKind } from './faults.js';
import { errorReply, HttpError, readBody, sendReply, type Reply } from './http.js';
import { MAX_MEDIA_SECONDS, MAX_MEDIA_SIDE, sendMedia, type MediaFile } from './media.js';
import { matchRoute } from './routes.js';

const JSON_BODY_LIMIT = 8 * 1024 * 1024;

export function startServer(ctx: SimContext): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendReply(res, errorReply(500, `Internal simulator error: ${(error as Error).message}`));
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.options.port, '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

/** Response header that identifies the simulator and its time scale. */
export const SIMULATOR_HEADER = 'x-pixrender-simulator';

async function handle(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Names the simulator on every answer: a client given only its URL paces polling by this scale
  // and records its renders as simulated, never as paid ones.
  if (ctx.options.identify) res.setHeader(SIMULATOR_HEADER, `time-scale=${ctx.options.timeScale}`);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (path.startsWith('/__sim/')) {
    sendReply(res, await handleControl(ctx, req, path).catch(toReply));
    if (req.method !== 'GET') ctx.state?.changed();
    return;
  }
  if (path.startsWith('/media/')) return handleMedia(ctx, req, res, path);
  if (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`)) return handleApi(ctx, req, res, path.slice(API_PREFIX.length), query);
  sendReply(res, errorReply(404, `Not found: ${path}`));
}

function toReply(error: unknown): Reply {
  if (error instanceof HttpError) return errorReply(error.status, error.message);
  return errorReply(500, `Internal simulator error: ${(error as Error).message}`);
}

/** Applies latency, a reset before processing and an injected status. Returns false when the request is done. */
async function applyFaultsBefore(ctx: SimContext, req: IncomingMessage, res: ServerResponse, fault: FaultDecision): Promise<boolean> {
  const counts = ctx.stats.faults;
  if (fault.forced) counts.forced++;
  if (fault.latencyMs > 0) {
    counts.latency++;
    await delay(fault.latencyMs);
  }
  if (fault.resetBefore) {
    counts.resetBefore++;
    req.socket.destroy();
    return false;
  }
  if (fault.status !== undefined) {
    if (fault.status === 500 && !fault.forced) counts.error500++;
    ctx.stats.response(fault.status);
    sendReply(res, errorReply(fault.status, `Simulated error ${fault.status}`));
    return false;
  }
  return true;
}

async function handleApi(ctx: SimContext, req: IncomingMessage, res: ServerResponse, subPath: string, query: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  const match = matchRoute(method, subPath);
  const name = match?.route.name ?? 'unmatched';
  ctx.stats.request(`${method} ${name}`);
  const kind: RequestKind = match?.route.generation ? 'generation' : 'api';
  const fault = ctx.faults.decide(kind, method, name);
  if (!(await applyFaultsBefore(ctx, req, res, fault))) return;

  let reply: Reply;
  try {
    if (req.headers.authorization !== `Bearer ${ctx.options.token}`) throw new HttpError(401, 'Unauthorized');
    if (!match) throw new HttpError(404, `No such endpoint: ${method} ${API_PREFIX}${subPath}`);
    const limit = match.route.name === 'files' ? ctx.options.maxUploadBytes : JSON_BODY_LIMIT;
    const body = await readBody(req, limit);
    reply = await match.route.handle(ctx, { method, params: match.params, query, headers: req.headers, body, fault });
  } catch (error) {
    reply = toReply(error);
  }
  if (method !== 'GET') ctx.state?.changed();
  if (fault.resetAfter) {
    // The request took effect (a job may have been accepted), but the client never hears about it.
    ctx.stats.faults.resetAfter++;
    req.socket.destroy();
    return;
  }
  ctx.stats.response(reply.status);
  sendReply(res, reply);
}

async function handleMedia(ctx: SimContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  ctx.stats.mediaRequests++;
  const fault = ctx.faults.decide('media', req.method ?? 'GET', 'media');
  if (!(await applyFaultsBefore(ctx, req, res, fault))) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendReply(res, errorReply(405, 'Method not allowed'));
  const file = await resolveMedia(ctx, path.slice('/media/'.length));
  if (!file) return sendReply(res, errorReply(404, `Not found: ${path}`));
  if (fault.truncate) ctx.stats.faults.truncated++;
  await sendMedia(req, res, file, fault.truncate);
}

async function resolveMedia(ctx: SimContext, name: string): Promise<MediaFile | undefined> {
  let m = /^(\d+)\.(mp4|jpg)$/.exec(name);
  if (m) {
    const job = ctx.jobs.getByNumericId(m[1]!);
    if (!job || job.status !== VideoStatus.COMPLETED) return undefined;
    const { width, height, duration } = job.output;
    return m[2] === 'mp4' ? ctx.media.video(width, height, duration) : ctx.media.poster(width, height);
  }
  if (name.startsWith('upload/')) {
    const upload = ctx.uploads.get(name);
    return upload ? { contentType: upload.contentType, bytes: upload.bytes } : undefined;
  }
  m = /^gen\/(\d+)x(\d+)(?:-(\d+)ms)?\.(mp4|jpg)$/.exec(name);
  if (m) {
    const [width, height, ms] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    const sizeOk = width >= 16 && height >= 16 && width <= MAX_MEDIA_SIDE && height <= MAX_MEDIA_SIDE && width % 2 === 0 && height % 2 === 0;
    if (!sizeOk) return undefined;
    if (m[4] === 'jpg') return ctx.media.poster(width, height);
    if (ms <= 0 || ms > MAX_MEDIA_SECONDS * 1000) return undefined;
    return ctx.media.video(width, height, ms / 1000);
  }
  return undefined;
}
