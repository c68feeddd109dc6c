import { inspect } from 'node:util';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PixverseClient, pathSegment } from '../../src/api/client.js';
import { closedPort, json, startTestServer, type TestServer, caught } from './test-server.js';

const TOKEN = 'user:1234-s3cr3tT0kenValue0001';
const SECRET = 's3cr3tT0kenValue0001';
const VIDEO_ID = 'user:1234-pixverse:render01@example.com-video:378122905521344';
let server: TestServer;
let client: PixverseClient;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await client?.close();
  server.seen.length = 0;
});

function newClient(): PixverseClient {
  client = new PixverseClient({ baseUrl: `${server.baseUrl}/`, token: TOKEN, userAgent: 'pixrender-test' });
  return client;
}

describe('request shapes', () => {
  it('puts video_id into paths raw: the server sees the literal ":" and "@"', async () => {
    server.handle((req, res) => (req.method === 'GET' ? json(res, 200, { video_id: VIDEO_ID, video_status: 1 }) : res.writeHead(204).end()));
    const c = newClient();
    await c.getVideo(VIDEO_ID);
    await c.deleteVideo(VIDEO_ID);
    await c.deleteScheduler(VIDEO_ID);
    expect(server.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v2/pixverse/videos/${VIDEO_ID}`,
      `DELETE /v2/pixverse/videos/${VIDEO_ID}`,
      `DELETE /v2/pixverse/scheduler/${VIDEO_ID}`,
    ]);
  });

  it('keeps "@" in account paths and encodes query values', async () => {
    server.handle((req, res) => json(res, req.method === 'POST' ? 201 : 200, { email: 'a+b@example.com', maxJobs: 3 }));
    const c = newClient();
    await c.getAccount('a+b@example.com');
    await c.putAccount('a+b@example.com', { email: 'a+b@example.com', password: 'pw', maxJobs: 3 });
    await c.getFeatures('a+b@example.com');
    await c.listVideos({ email: 'a+b@example.com', limit: 10, offset: 20 });
    await c.getEffects({ limit: 5 });
    expect(server.seen.map((r) => r.url)).toEqual([
      '/v2/pixverse/accounts/a+b@example.com',
      '/v2/pixverse/accounts/a+b@example.com',
      '/v2/pixverse/features?email=a%2Bb%40example.com',
      '/v2/pixverse/videos?email=a%2Bb%40example.com&limit=10&offset=20',
      '/v2/pixverse/videos/effects?limit=5',
    ]);
    expect(JSON.parse(server.seen[1]!.body.toString())).toEqual({ email: 'a+b@example.com', password: 'pw', maxJobs: 3 });
  });

  it('encodes only what would change the URL structure', () => {
    expect(pathSegment(VIDEO_ID)).toBe(VIDEO_ID);
    expect(pathSegment('a/b?c#d e%')).toBe('a%2Fb%3Fc%23d%20e%25');
  });

  it('sends the bearer token, JSON content type and user agent on a generation POST', async () => {
    server.handle((_req, res) => json(res, 200, { video_id: VIDEO_ID, cost_credits: 30 }));
    const body = { model: 'v4.5', prompt: 'p', duration: 5, quality: '540p', off_peak_mode: true, replyRef: 'shot-1' };
    await expect(newClient().create(body)).resolves.toEqual({ video_id: VIDEO_ID, cost_credits: 30 });
    const seen = server.seen[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/v2/pixverse/videos/create');
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['user-agent']).toBe('pixrender-test');
    expect(JSON.parse(seen.body.toString())).toEqual(body);
  });

  it('routes each generation method to its endpoint', async () => {
    server.handle((_req, res) => json(res, 200, { video_id: VIDEO_ID }));
    const c = newClient();
    await c.create({ prompt: 'p' });
    await c.createFrames({ first_frame_path: 'upload/a.png', last_frame_path: 'upload/b.png' });
    await c.extend({ video_id: VIDEO_ID });
    await c.restyle({ prompt: 'p', video_id: VIDEO_ID });
    await c.createFusion({ prompt: '@pic1', frame_1_path: 'upload/a.png' });
    await c.createTransition({ frame_1_path: 'upload/a.png', frame_2_path: 'upload/b.png', duration_1_to_2: 5 });
    await c.lipsync({ video_id: VIDEO_ID, prompt: 'hello' });
    await c.upscale({ video_id: VIDEO_ID });
    await c.generate('/videos/create-v4', { prompt: 'p' });
    expect(server.seen.map((r) => r.url.replace('/v2/pixverse/', ''))).toEqual([
      'videos/create',
      'videos/create-frames',
      'videos/extend',
      'videos/restyle',
      'videos/create-fusion',
      'videos/create-transition',
      'videos/lipsync',
      'videos/upscale',
      'videos/create-v4',
    ]);
    await expect(c.generate('accounts', {})).rejects.toThrow(TypeError);
  });

  it('takes image_id as the id of an image-template job', async () => {
    server.handle((_req, res) => json(res, 200, { image_id: 'user:1-pixverse:a@b.c-image:9' }));
    await expect(newClient().create({ prompt: 'p', template_id: 1 })).resolves.toMatchObject({ video_id: 'user:1-pixverse:a@b.c-image:9' });
  });

  it('uploads raw bytes with the MIME type and the email query', async () => {
    server.handle((_req, res) => json(res, 200, { path: 'upload/x.mp4', url: 'https://media.example/x.mp4' }));
    const bytes = Buffer.from([0, 1, 2, 3, 250, 251]);
    await expect(newClient().uploadFile(bytes, 'video/mp4', { email: 'a@b.c' })).resolves.toEqual({ path: 'upload/x.mp4', url: 'https://media.example/x.mp4' });
    await client.uploadFile(Readable.from([bytes]), 'image/png', { size: bytes.length });
    const [first, second] = server.seen;
    expect(first!.url).toBe('/v2/pixverse/files?email=a%40b.c');
    expect(first!.headers['content-type']).toBe('video/mp4');
    expect(first!.body.equals(bytes)).toBe(true);
    expect(second!.headers['content-type']).toBe('image/png');
    expect(second!.headers['content-length']).toBe(String(bytes.length));
    expect(second!.body.equals(bytes)).toBe(true);
  });
});

describe('answers', () => {
  it('getVideo: 404 → null (still processing), 200 → the video', async () => {
    let ready = false;
    server.handle((_req, res) => (ready ? json(res, 200, { video_id: VIDEO_ID, video_status: 1, url: 'u' }) : json(res, 404, { error: 'not found' })));
    const c = newClient();
    await expect(c.getVideo(VIDEO_ID)).resolves.toBeNull();
    ready = true;
    await expect(c.getVideo(VIDEO_ID)).resolves.toMatchObject({ video_id: VIDEO_ID, video_status: 1 });
  });

  it('getScheduler sets videoId from videoId, id (2026) or video_id', async () => {
    server.handle((_req, res) =>
      json(res, 200, [
        { videoId: 'a', started: 's', elapsed: '00:01' },
        { id: 'b', type: 'video', started: 's', elapsed: '00:02' },
        { video_id: 'c', started: 's', elapsed: '00:03', replyRef: 'r' },
      ]),
    );
    const items = await newClient().getScheduler();
    expect(items.map((i) => i.videoId)).toEqual(['a', 'b', 'c']);
    expect(items[1]).toMatchObject({ id: 'b', type: 'video' });
    expect(items[2]?.replyRef).toBe('r');
  });

  it('list endpoints accept a bare array as well as the documented envelope', async () => {
    server.handle((req, res) => (req.url.includes('voices') ? json(res, 200, [{ speaker_id: '1', name: 'A' }]) : json(res, 200, { items: [{ restyle_id: 1, name: 'clay' }] })));
    const c = newClient();
    await expect(c.getVoices()).resolves.toEqual({ tts_list: [{ speaker_id: '1', name: 'A' }] });
    await expect(c.getRestyles()).resolves.toEqual({ items: [{ restyle_id: 1, name: 'clay' }] });
  });

  it('DELETE answers with 204 or 200 both resolve', async () => {
    let status = 204;
    server.handle((_req, res) => (status === 204 ? res.writeHead(204).end() : json(res, 200, { deleted: true })));
    const c = newClient();
    await expect(c.deleteAccount('a@b.c')).resolves.toBeUndefined();
    status = 200;
    await expect(c.deleteAccount('a@b.c')).resolves.toBeUndefined();
  });
});

describe('the token never appears in errors or in the client', () => {
  const leaks = (value: unknown): boolean => {
    const texts = [inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value)];
    if (value instanceof Error) texts.push(value.message, value.stack ?? '', String(value));
    return texts.some((t) => t.includes(TOKEN) || t.includes(SECRET));
  };

  it('not even when the server echoes the Authorization header back', async () => {
    server.handle((req, res) => json(res, 401, { error: `bad token ${req.headers.authorization}`, code: 401 }));
    const e = await caught(newClient().create({ prompt: 'p' }));
    expect(e.kind).toBe('unauthorized');
    expect(e.apiMessage).toContain('bad token Bearer ***');
    expect(leaks(e)).toBe(false);
  });

  it('not in plain-text bodies, network errors, timeouts or the client object', async () => {
    server.handle((req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`token=${req.headers.authorization} secret=${SECRET}`));
    const c = newClient();
    const errors: unknown[] = [await caught(c.getFeatures())];
    server.handle((_req, _res, raw) => raw.socket.destroy());
    errors.push(await caught(c.create({ prompt: 'p' })));
    server.handle(() => {});
    const slow = new PixverseClient({ baseUrl: server.baseUrl, token: TOKEN, timeoutMs: 100 });
    errors.push(await caught(slow.getAccounts()));
    await slow.close();
    const port = await closedPort();
    const refused = new PixverseClient({ baseUrl: `http://127.0.0.1:${port}/v2/pixverse`, token: TOKEN });
    errors.push(await caught(refused.getAccounts()));
    await refused.close();
    for (const e of errors) expect(leaks(e)).toBe(false);
    expect(leaks(c)).toBe(false);
  });
});

