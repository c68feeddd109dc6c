import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import { download } from '../../src/api/download.js';
import { startTestServer, type TestServer, caught } from './test-server.js';

const TOKEN = 'user:1234-s3cr3tT0kenValue0001';
const MEDIA = randomBytes(256 * 1024 + 17);
const MEDIA_SHA = createHash('sha256').update(MEDIA).digest('hex');

let api: TestServer;
let media: TestServer;
let dir: string;
let client: PixverseClient;

beforeAll(async () => {
  [api, media] = await Promise.all([startTestServer(), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([api.close(), media.close()]);
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-download-'));
  client = new PixverseClient({ baseUrl: api.baseUrl, token: TOKEN, timeoutMs: 2000 });
});
afterEach(async () => {
  await client.close();
  await rm(dir, { recursive: true, force: true });
  api.seen.length = 0;
  media.seen.length = 0;
});

function serveMedia(server: TestServer, body = MEDIA, headers: Record<string, string> = {}): void {
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(body.length), ...headers });
    // Several writes, so the client really streams.
    const step = 64 * 1024;
    for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
    res.end();
  });
}


describe('download', () => {
  it('streams to dest with the right sha256 and size, leaving no temp file', async () => {
    serveMedia(media);
    const dest = join(dir, 'nested', 'shot.mp4');
    const result = await client.download(`${media.origin}/media/shot.mp4`, dest, { expectedSize: MEDIA.length });
    expect(result).toEqual({ sha256: MEDIA_SHA, size: MEDIA.length });
    expect((await readFile(dest)).equals(MEDIA)).toBe(true);
    expect(await readdir(join(dir, 'nested'))).toEqual(['shot.mp4']);
  });

  it('a body cut short of Content-Length → network/truncated, nothing at dest, no temp file', async () => {
    media.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MEDIA.length) });
      res.write(MEDIA.subarray(0, 1000));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const dest = join(dir, 'shot.mp4');
    const e = await caught(client.download(`${media.origin}/media/shot.mp4`, dest));
    expect([e.kind, e.detail]).toEqual(['network', 'truncated']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a size different from expectedSize → error, and an existing file at dest is left as it was', async () => {
    serveMedia(media);
    const dest = join(dir, 'shot.mp4');
    await writeFile(dest, 'previous render');
    const e = await caught(client.download(`${media.origin}/media/shot.mp4`, dest, { expectedSize: MEDIA.length + 1 }));
    expect([e.kind, e.detail]).toEqual(['network', 'size-mismatch']);
    expect(await readFile(dest, 'utf8')).toBe('previous render');
    expect(await readdir(dir)).toEqual(['shot.mp4']);
  });

  it('bytes other than the expected sha256 → server/hash-mismatch, and an existing file at dest is left as it was', async () => {
    serveMedia(media);
    const dest = join(dir, 'shot.mp4');
    await writeFile(dest, 'previous render');
    const e = await caught(client.download(`${media.origin}/media/shot.mp4`, dest, { expectedSha256: 'b'.repeat(64) }));
    expect([e.kind, e.detail]).toEqual(['server', 'hash-mismatch']);
    expect(await readFile(dest, 'utf8')).toBe('previous render');
    expect(await readdir(dir)).toEqual(['shot.mp4']);
    expect(await client.download(`${media.origin}/media/shot.mp4`, dest, { expectedSha256: MEDIA_SHA })).toEqual({ sha256: MEDIA_SHA, size: MEDIA.length });
  });

  it('without Content-Length the body is taken as it comes', async () => {
    media.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.end(MEDIA);
    });
    const result = await download(`${media.origin}/m.mp4`, join(dir, 'm.mp4'));
    expect(result.sha256).toBe(MEDIA_SHA);
  });

  it('an HTTP error is typed by status and writes nothing', async () => {
    media.handle((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('No such object'));
    const e = await caught(client.download(`${media.origin}/media/gone.mp4?sig=abc`, join(dir, 'gone.mp4')));
    expect([e.kind, e.status, e.apiMessage]).toEqual(['not-found', 404, 'No such object']);
    expect(e.endpoint).toBe(`${media.origin}/media/gone.mp4`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an aborted download → aborted, nothing at dest', async () => {
    const controller = new AbortController();
    media.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MEDIA.length) });
      res.write(MEDIA.subarray(0, 1000), () => controller.abort());
    });
    const e = await caught(client.download(`${media.origin}/m.mp4`, join(dir, 'm.mp4'), { signal: controller.signal }));
    expect(e.kind).toBe('aborted');
    expect(await readdir(dir)).toEqual([]);
  });

  it('sends the token only to the API origin, and drops it after a redirect to another host', async () => {
    serveMedia(media);
    await client.download(`${media.origin}/media/a.mp4`, join(dir, 'a.mp4'));
    expect(media.seen[0]!.headers.authorization).toBeUndefined();

    serveMedia(api);
    await client.download(`${api.origin}/v2/pixverse/media/b.mp4`, join(dir, 'b.mp4'));
    expect(api.seen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);

    api.handle((_req, res) => res.writeHead(302, { location: `${media.origin}/media/c.mp4` }).end());
    media.seen.length = 0;
    const result = await client.download('media/c.mp4', join(dir, 'c.mp4'));
    expect(result.sha256).toBe(MEDIA_SHA);
    expect(api.seen.at(-1)!.url).toBe('/v2/pixverse/media/c.mp4');
    expect(media.seen[0]!.headers.authorization).toBeUndefined();
  });
});
