import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readMp4Info, startSimulator, type Simulator } from '../../src/sim/index.js';
import { FALLBACK_MP4_BASE64 } from '../../src/sim/assets/fallback-media.js';
import { defaultMediaDir, MediaCache, parseRange } from '../../src/sim/media.js';
import { get, ManualClock, pollVideo, post, PNG_1x1, tempDir, upload } from './helpers.js';

describe('media served by the simulator', () => {
  let sim: Simulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
    sim = await startSimulator({ timeScale: 0.0005, mediaDir: dir.path, maxJobs: 8 });
  });
  afterAll(async () => {
    await sim.close();
    await dir.cleanup();
  });

  test('batch-script flow: POST create, poll 404 then 200, download a real MP4 of the right size and length', async () => {
    const clock = new ManualClock();
    const batch = await startSimulator({ clock, mediaDir: dir.path });
    try {
      const created = await post(batch, 'videos/create', { model: 'v4.5', prompt: 'a paper boat', quality: '540p', duration: 5 });
      expect(created.status).toBe(200);
      expect((await get(batch, `videos/${created.body.video_id}`)).status).toBe(404);
      await clock.advance(45_000);
      const video = await pollVideo(batch, created.body.video_id);
      expect(video).toMatchObject({ video_status: 1, output_width: 960, output_height: 540, duration: 5 });

      const res = await fetch(video.url); // a plain download: no token
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      expect(bytes.toString('latin1', 4, 8)).toBe('ftyp');
      const info = readMp4Info(bytes)!;
      expect(info).toMatchObject({ width: 960, height: 540 });
      expect(info.durationSeconds).toBeCloseTo(5, 1);

      const poster = await fetch(video.first_frame);
      expect(poster.headers.get('content-type')).toBe('image/jpeg');
      const jpeg = Buffer.from(await poster.arrayBuffer());
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    } finally {
      await batch.close();
    }
  });

  test('portrait 720p 8 s → 720x1280, 8 s; the same size reuses one cached file', async () => {
    const a = await post(sim, 'videos/create', { prompt: 'a', quality: '720p', duration: 8, aspect_ratio: '9:16' });
    const b = await post(sim, 'videos/create', { prompt: 'b', quality: '720p', duration: 8, aspect_ratio: '9:16' });
    const [va, vb] = await Promise.all([pollVideo(sim, a.body.video_id), pollVideo(sim, b.body.video_id)]);
    expect(va.url).not.toBe(vb.url);
    const [ba, bb] = await Promise.all([va.url, vb.url].map(async (u: string) => Buffer.from(await (await fetch(u)).arrayBuffer())));
    expect(readMp4Info(ba!)).toMatchObject({ width: 720, height: 1280 });
    expect(readMp4Info(ba!)!.durationSeconds).toBeCloseTo(8, 1);
    expect(ba!.equals(bb!)).toBe(true);
    expect((await readdir(dir.path)).filter((f) => f.includes('-720x1280-8000ms'))).toHaveLength(1);
  });

  test('an upscale is rendered at 3840x2160', async () => {
    const src = await post(sim, 'videos/create', { prompt: 'a', quality: '360p' });
    await pollVideo(sim, src.body.video_id);
    const up = await post(sim, 'videos/upscale', { video_id: src.body.video_id });
    const video = await pollVideo(sim, up.body.video_id);
    expect(video).toMatchObject({ output_width: 3840, output_height: 2160, upscaled: 1 });
    const info = readMp4Info(Buffer.from(await (await fetch(video.url)).arrayBuffer()));
    expect(info).toMatchObject({ width: 3840, height: 2160 });
  });

  test('Range requests: 206 with Content-Range, suffix ranges, 416 when unsatisfiable; HEAD has the length', async () => {
    const created = await post(sim, 'videos/create', { prompt: 'r', quality: '360p' });
    const { url } = await pollVideo(sim, created.body.video_id);
    const full = Buffer.from(await (await fetch(url)).arrayBuffer());
    const head = await fetch(url, { method: 'HEAD' });
    expect(Number(head.headers.get('content-length'))).toBe(full.length);
    expect(head.headers.get('accept-ranges')).toBe('bytes');

    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${full.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(full.subarray(100, 200))).toBe(true);

    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(full.subarray(full.length - 10))).toBe(true);
    const rest = await fetch(url, { headers: { range: `bytes=${full.length - 5}-` } });
    expect((await rest.arrayBuffer()).byteLength).toBe(5);

    const beyond = await fetch(url, { headers: { range: `bytes=${full.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${full.length}`);
    await beyond.arrayBuffer();
  });

  test('media of unknown or unfinished videos is 404', async () => {
    expect((await fetch(`${sim.origin}/media/123456789012345.mp4`)).status).toBe(404);
    const slow = await startSimulator({ timeScale: 1, mediaDir: dir.path });
    try {
      const created = await post(slow, 'videos/create', { prompt: 'p' });
      const numeric = created.body.video_id.split('-video:')[1];
      expect((await fetch(`${slow.origin}/media/${numeric}.mp4`)).status).toBe(404);
    } finally {
      await slow.close();
    }
  });

  test('uploads: images answer {result:[…]}, video/audio {path,url}; the url serves the bytes; other types are 400', async () => {
    const r = await fetch(`${sim.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'image/png' }, body: PNG_1x1 });
    const body = (await r.json()) as any;
    expect(r.status).toBe(200);
    expect(body.result).toHaveLength(1);
    expect(body.result[0]).toMatchObject({ id: expect.any(Number), size: PNG_1x1.length, category: 0, err_msg: '' });
    expect(body.result[0].path).toMatch(/^upload\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$/);
    const served = await fetch(body.result[0].url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1x1)).toBe(true);

    const mp4 = await upload(sim, Buffer.from('x'), 'video/mp4');
    expect(mp4).toMatch(/^upload\/.+\.mp4$/);
    for (const [type, ext] of [['audio/wave', 'wav'], ['video/MP2T', 'ts'], ['image/jpeg', 'jpeg'], ['video/quicktime', 'mov']]) {
      expect(await upload(sim, Buffer.from('x'), type!)).toMatch(new RegExp(`\\.${ext}$`));
    }
    const media = await fetch(`${sim.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'audio/mpeg' }, body: 'ID3' });
    expect(Object.keys((await media.json()) as object).sort()).toEqual(['path', 'url']);

    for (const type of ['text/plain', 'application/json']) {
      const bad = await fetch(`${sim.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}`, 'content-type': type }, body: 'x' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as any).code).toBe(400);
    }
    const empty = await fetch(`${sim.url}/files`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'image/png' } });
    expect(empty.status).toBe(400);
    await empty.arrayBuffer();
  });

  test('effect thumbnails point at media the simulator serves', async () => {
    const effects = (await (await fetch(`${sim.url}/videos/effects`, { headers: { authorization: `Bearer ${sim.token}` } })).json()) as any;
    const thumb = await fetch(effects.items[0].thumbnail_path);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    await thumb.arrayBuffer();
  });
});

describe('media cache', () => {
  test('concurrent producers in one directory (like separate processes) end with one valid file and no temp files', async () => {
    const dir = await tempDir();
    try {
      const [a, b] = await Promise.all([new MediaCache(dir.path).video(320, 180, 1), new MediaCache(dir.path).video(320, 180, 1)]);
      expect('path' in a! && 'path' in b!).toBe(true);
      const files = await readdir(dir.path);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^clip-.*320x180-1000ms\.mp4$/);
      const again = await new MediaCache(dir.path).video(320, 180, 1);
      expect(again).toMatchObject({ contentType: 'video/mp4', size: (a as { size: number }).size });
    } finally {
      await dir.cleanup();
    }
  });

  test('PIXRENDER_SIM_MEDIA_DIR picks the shared cache directory', () => {
    const before = process.env.PIXRENDER_SIM_MEDIA_DIR;
    process.env.PIXRENDER_SIM_MEDIA_DIR = '/tmp/somewhere-else';
    try {
      expect(defaultMediaDir()).toBe('/tmp/somewhere-else');
    } finally {
      if (before === undefined) delete process.env.PIXRENDER_SIM_MEDIA_DIR;
      else process.env.PIXRENDER_SIM_MEDIA_DIR = before;
    }
  });

  test('parseRange', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-20', 100)).toEqual({ start: 80, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('invalid');
    expect(parseRange('bytes=5-1', 100)).toBe('invalid');
    expect(parseRange('items=0-1', 100)).toBe('invalid');
  });

  test('the bundled fallback clip is a real MP4', () => {
    const info = readMp4Info(Buffer.from(FALLBACK_MP4_BASE64, 'base64'));
    expect(info).toMatchObject({ width: 64, height: 36 });
    expect(info!.durationSeconds).toBeCloseTo(1, 1);
    expect(readMp4Info(Buffer.from('not an mp4 at all'))).toBeUndefined();
  });
});
