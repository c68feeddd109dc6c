/**
 * `watch --serve`: the gallery over HTTP on 127.0.0.1, updated live with server-sent events. Every session
 * event schedules one refresh (coalesced: a burst of events makes at most one more): collect → page
 * model → HTML; when the cards changed, each open page receives the new <main> and swaps in the cards
 * whose revision changed. Only the page, the event stream and media files under the project are served.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunEvent } from '../events.js';
import type { SessionEvent } from '../watch/events.js';
import { collectGallery } from './collect.js';
import { renderMain, renderPage, statusLine } from './html.js';
import { buildPageModel, type PageModel } from './model.js';

export interface GalleryServerOptions {
  /** @default 0 (any free port) */
  port?: number;
  preview?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface GalleryServer {
  /** The page's address, e.g. http://127.0.0.1:4173/renders/teaser/ */
  readonly url: string;
  /** Feed every watch session event here. */
  onEvent(event: SessionEvent): void;
  /** Resolves once the page reflects every event received so far. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The gallery could not listen on its port: a value the CLI turns into one line and exit 2, not a crash. */
export class GalleryServerError extends Error {
  constructor(
    readonly code: 'port-in-use' | 'port-not-permitted' | 'listen-failed',
    readonly port: number,
    options?: ErrorOptions,
  ) {
    const why = code === 'port-in-use' ? 'is in use' : code === 'port-not-permitted' ? 'is not permitted' : 'cannot be opened';
    super(`the gallery's port 127.0.0.1:${port} ${why}; pick another with --port N (0: any free port)`, options);
    this.name = 'GalleryServerError';
  }
}

const listenProblem = (code: string | undefined): GalleryServerError['code'] => (code === 'EADDRINUSE' ? 'port-in-use' : code === 'EACCES' ? 'port-not-permitted' : 'listen-failed');

const MEDIA: Record<string, string> = { '.mp4': 'video/mp4', '.webm': 'video/webm', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.mp3': 'audio/mpeg', '.wav': 'audio/wav' };

export async function startGalleryServer(manifestFile: string, options: GalleryServerOptions = {}): Promise<GalleryServer> {
  const file = resolve(manifestFile);
  let events: RunEvent[] = [];
  let notice: string | undefined;
  let model: PageModel | undefined;
  let page = { main: '', status: '' };
  let galleryDir = dirname(file);
  const clients = new Set<ServerResponse>();

  const refreshOnce = async (): Promise<void> => {
    try {
      const collected = await collectGallery(file, { events, live: true, ...(options.preview ? { preview: true } : {}), ...(options.env ? { env: options.env } : {}) });
      if (collected.ok) {
        galleryDir = collected.input.galleryDir;
        model = buildPageModel({ ...collected.input, ...(notice !== undefined ? { notice } : {}) });
      } else if (model) model = { ...model, notice: `the manifest does not validate (${collected.errors} error${collected.errors === 1 ? '' : 's'}: ${collected.message}); showing the last good version` };
    } catch (error) {
      // A journal caught mid-append, a file renamed under us: the next event (or the retry) reads again.
      if (model) model = { ...model, notice: `could not read the project: ${error instanceof Error ? error.message : String(error)}` };
      setTimeout(() => schedule(), 300).unref();
    }
    if (!model) return;
    const next = { main: renderMain(model), status: statusLine(model) };
    if (next.main === page.main && next.status === page.status) return;
    page = next;
    const message = `event: page\ndata: ${JSON.stringify(page)}\n\n`;
    for (const client of clients) client.write(message);
  };

  // One refresh at a time; events during it make exactly one more.
  let running: Promise<void> | undefined;
  let again = false;
  const schedule = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await refreshOnce();
      } while (again);
      running = undefined;
    })();
    return running;
  };

  const onEvent = (event: SessionEvent): void => {
    switch (event.type) {
      case 'run-start':
        events = [event];
        break;
      case 'job':
      case 'run-end':
        events.push(event);
        break;
      case 'invalid':
        notice = `the manifest does not validate (${event.errors} error${event.errors === 1 ? '' : 's'}); showing the last good version`;
        break;
      case 'plan':
        notice = undefined;
        break;
      case 'error':
        notice = event.message;
        break;
      default:
        break;
    }
    void schedule();
  };

  await schedule();
  const rootOf = () => commonAncestor(dirname(file), galleryDir);
  const pagePath = () => `/${relative(rootOf(), galleryDir).split(sep).map(encodeURIComponent).join('/')}/`.replace(/\/+/g, '/');

  let ownHosts = new Set<string>();
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // DNS rebinding: a page elsewhere can point a name it controls at 127.0.0.1; only our own names answer.
    if (!ownHosts.has((req.headers.host ?? '').toLowerCase())) return void res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request\n');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    if (url.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`retry: 1000\nevent: page\ndata: ${JSON.stringify(page)}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname === '/') return void res.writeHead(302, { location: pagePath() }).end();
    if (url.pathname === pagePath() || url.pathname === `${pagePath()}index.html`) {
      if (!model) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('the manifest does not validate yet\n');
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(renderPage(model));
    }
    const real = await servedFile(url.pathname, rootOf(), [dirname(file), galleryDir]);
    if (!real) return void res.writeHead(404).end();
    const info = await stat(real.path).catch(() => undefined);
    if (!info?.isFile()) return void res.writeHead(404).end();
    sendFile(req, res, real.path, info.size, real.type);
  };

  await new Promise<void>((ok, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => fail(new GalleryServerError(listenProblem(error.code), options.port ?? 0, { cause: error })));
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  ownHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  return {
    get url() {
      return `http://127.0.0.1:${port}${pagePath()}`;
    },
    onEvent,
    settled: async () => {
      while (running) await running;
    },
    close: async () => {
      for (const client of clients) client.end();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Whole files or one byte range (video elements seek with Range requests). */
function sendFile(req: IncomingMessage, res: ServerResponse, file: string, size: number, type: string): void {
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': 'no-cache' };
  if (range && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(size - 1, Number(range[2])) : size - 1;
    if (start > end || start >= size) return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

/**
 * The real file a request path names, when it may be served: a media file whose real path (every
 * symbolic link resolved, the file's own included) is under the real project or gallery folder — under
 * the project or the gallery folder only, as their common ancestor may be far wider (an outputDir
 * elsewhere). Undefined for anything else: a path that does not decode, a NUL, dots that climb out, a
 * link that leads out, a link whose target is not media.
 */
async function servedFile(pathname: string, root: string, folders: readonly string[]): Promise<{ path: string; type: string } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const target = resolve(root, `.${decoded}`);
  const type = MEDIA[extname(target).toLowerCase()];
  if (!type || !folders.some((f) => within(f, target))) return undefined;
  const real = await realpath(target).catch(() => undefined);
  if (!real || MEDIA[extname(real).toLowerCase()] !== type) return undefined;
  const realFolders = await Promise.all(folders.map((f) => realpath(f).catch(() => undefined)));
  return realFolders.some((f) => f !== undefined && within(f, real)) ? { path: real, type } : undefined;
}

function within(dir: string, target: string): boolean {
  const inside = relative(dir, target);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

function commonAncestor(a: string, b: string): string {
  const x = resolve(a).split(sep);
  const y = resolve(b).split(sep);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join(sep) || sep;
}
