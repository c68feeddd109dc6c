/**
 * Contract tests: every PixverseClient method against a real in-process simulator over HTTP.
 * One simulator (fast time scale) serves the main sequence; small ones serve 429, 412 and off-peak factors.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PixverseClient } from '../../src/api/client.js';
import { offPeakMultiplierFrom, previewMultiplierFrom } from '../../src/api/features.js';
import { videoOutcome, type UploadImageResponse, type UploadMediaResponse, type VideoObject } from '../../src/api/protocol.js';
import { NO_CREDITS_MESSAGE, readMp4Info, startSimulator, type Simulator } from '../../src/sim/index.js';
import { caught } from './test-server.js';

const EMAIL = 'render01@example.com';
const VIDEO_ID = /^user:\d+-pixverse:render01@example\.com-video:\d+$/;

let sim: Simulator;
let client: PixverseClient;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.001, seed: 7, accounts: [{ email: EMAIL, maxJobs: 8, credits: 5000 }] });
  client = new PixverseClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 20_000 });
  dir = await mkdtemp(join(tmpdir(), 'pixrender-contract-'));
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});


/** Polls GET videos/{id} until the video is final (404 means still processing). */
async function waitFinal(c: PixverseClient, videoId: string): Promise<VideoObject> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const video = await c.getVideo(videoId);
    if (video && videoOutcome(video) !== 'pending') return video;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${videoId} did not finish`);
}

/** A valid RGB PNG of the given size. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((1 + width * 3) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (1 + width * 3)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describe('accounts and account data', () => {
  it('lists, reads, creates and deletes accounts ("@" raw in the path)', async () => {
    expect(Object.keys(await client.getAccounts())).toEqual([EMAIL]);
    expect(await client.getAccount(EMAIL)).toMatchObject({ email: EMAIL, maxJobs: 8 });
    const created = await client.putAccount('second@example.com', { email: 'second@example.com', password: 'pw', maxJobs: 2 });
    expect(created).toMatchObject({ email: 'second@example.com', maxJobs: 2 });
    expect(created.password).not.toBe('pw');
    expect(Object.keys(await client.getAccounts()).sort()).toEqual([EMAIL, 'second@example.com']);
    await client.deleteAccount('second@example.com');
    expect((await caught(client.getAccount('second@example.com'))).kind).toBe('not-found');
    expect((await caught(client.deleteAccount('second@example.com'))).kind).toBe('not-found');
  });

  it('reads features with the plan factors; a plan without them is unknown, never the advertised half price', async () => {
    const features = await client.getFeatures(EMAIL);
    expect(features.credit_monthly).toBe(5000);
    expect(offPeakMultiplierFrom(features)).toBe(0.7);
    expect(previewMultiplierFrom(features)).toBe(0.8);
    const plan = await startSimulator({ offPeakFeatureFields: false });
    const c = new PixverseClient({ baseUrl: plan.url, token: plan.token });
    try {
      const none = await c.getFeatures();
      expect(offPeakMultiplierFrom(none)).toBe('unknown');
      expect(previewMultiplierFrom(none)).toBe('unknown');
    } finally {
      await c.close();
      await plan.close();
    }
  });

  it('reads voices, effects and restyles', async () => {
    expect((await client.getVoices()).tts_list!.length).toBeGreaterThan(0);
    const effects = await client.getEffects({ limit: 3 });
    expect(effects.items).toHaveLength(3);
    expect(typeof effects.items[0]!.template_id).toBe('number');
    expect((await client.getRestyles(EMAIL)).items.some((r) => r.display_name === 'clay')).toBe(true);
  });

  it('refuses a wrong token with unauthorized', async () => {
    const stranger = new PixverseClient({ baseUrl: sim.url, token: 'user:1-wrongtokenwrongtoken' });
    try {
      expect((await caught(stranger.getAccounts())).kind).toBe('unauthorized');
    } finally {
      await stranger.close();
    }
  });
});

describe('the generation lifecycle', () => {
  let imageA: string;
  let imageB: string;
  let firstVideo: VideoObject;

  it('uploads an image and a video', async () => {
    const a = (await client.uploadFile(png(64, 36), 'image/png')) as UploadImageResponse;
    const b = (await client.uploadFile(png(64, 36), 'image/png', { email: EMAIL })) as UploadImageResponse;
    expect(a.result[0]!.path).toMatch(/^upload\/.+\.png$/);
    [imageA, imageB] = [a.result[0]!.path, b.result[0]!.path];
    const clip = (await client.uploadFile(Buffer.from('not really a video'), 'video/mp4')) as UploadMediaResponse;
    expect(clip.path).toMatch(/^upload\/.+\.mp4$/);
  });

  it('create → scheduler → poll getVideo → download a real MP4', async () => {
    const { video_id, cost_credits } = await client.create({ model: 'v4.5', prompt: 'a lighthouse at dusk', duration: 5, quality: '540p', replyRef: 'shot-1' });
    expect(video_id).toMatch(VIDEO_ID);
    expect(cost_credits).toBe(30);
    const available = await client.getSchedulerAvailable();
    expect(available.available).toEqual([expect.objectContaining({ email: EMAIL, maxJobs: 8 })]);

    firstVideo = await waitFinal(client, video_id);
    expect(videoOutcome(firstVideo)).toBe('completed');
    expect(firstVideo).toMatchObject({ video_id, video_status_final: true, quality: '540p' });
    // The raw id went through the path: the simulator refuses percent-encoded ids with 400.
    expect(sim.stats().requests['GET videos/{video_id}']).toBeGreaterThan(0);
    expect((await client.listVideos({ limit: 10 })).data.map((v) => v.video_id)).toContain(video_id);

    const dest = join(dir, 'shot-1.mp4');
    const result = await client.download(firstVideo.url!, dest);
    const bytes = await readFile(dest);
    expect(result).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const info = readMp4Info(bytes);
    expect(info?.height).toBe(firstVideo.output_height);
    expect(info?.durationSeconds).toBeCloseTo(5, 0);
  });

  it('every other generation endpoint accepts its request and renders', async () => {
    const source = firstVideo.video_id;
    const submissions: [string, Promise<{ video_id: string }>][] = [
      ['create-frames', client.createFrames({ model: 'v5', prompt: 'dawn to dusk', first_frame_path: imageA, last_frame_path: imageB, duration: 5, quality: '360p' })],
      ['extend', client.extend({ model: 'v5', prompt: 'the camera keeps rising', video_id: source })],
      ['restyle', client.restyle({ model: 'v4', prompt: 'clay', video_id: source, restyle_id: 102 })],
      ['create-fusion', client.createFusion({ model: 'v5', prompt: '@pic1 walks past @pic2', frame_1_path: imageA, frame_2_path: imageB, quality: '360p' })],
      ['create-transition', client.createTransition({ model: 'v5', frame_1_path: imageA, frame_2_path: imageB, duration_1_to_2: 5, quality: '360p' })],
      ['lipsync', client.lipsync({ video_id: source, prompt: 'Hello there' })],
      ['upscale', client.upscale({ video_id: source })],
      ['create-v4 alias', client.generate('videos/create-v4', { model: 'v4', prompt: 'rain on a window', quality: '360p' })],
    ];
    for (const [name, submission] of submissions) {
      const { video_id } = await submission;
      expect(video_id, name).toMatch(VIDEO_ID);
      const video = await waitFinal(client, video_id);
      expect(videoOutcome(video), name).toBe('completed');
      if (name === 'upscale') expect(video).toMatchObject({ upscaled: 1, original_video_id: source });
    }
    expect(Object.keys(sim.stats().submissions).sort()).toEqual([
      'videos/create',
      'videos/create-frames',
      'videos/create-fusion',
      'videos/create-transition',
      'videos/extend',
      'videos/lipsync',
      'videos/restyle',
      'videos/upscale',
    ]);
  });

  it('getScheduler shows a waiting off-peak job; deleteScheduler stops tracking it', async () => {
    const { video_id, cost_credits } = await client.create({ model: 'v4.5', prompt: 'fog over a bay', off_peak_mode: true, replyRef: 'late' });
    expect(cost_credits).toBe(21); // v4.5 540p 5 s = 30 × the plan's 0.7
    const scheduled = await client.getScheduler();
    expect(scheduled).toContainEqual(expect.objectContaining({ videoId: video_id }));
    expect(await client.getVideo(video_id)).toBeNull();
    await client.deleteScheduler(video_id);
    expect((await client.getScheduler()).map((i) => i.videoId)).not.toContain(video_id);
    expect((await caught(client.deleteScheduler(video_id))).kind).toBe('not-found');
  });

  it('deleteVideo removes a video', async () => {
    await client.deleteVideo(firstVideo.video_id);
    expect(await client.getVideo(firstVideo.video_id)).toBeNull();
    expect((await caught(client.deleteVideo(firstVideo.video_id))).kind).toBe('not-found');
  });
});

describe('refusals and failures as typed errors', () => {
  it('400 for a combination the catalog refuses', async () => {
    const e = await caught(client.create({ model: 'v4.5', prompt: 'p', quality: '1080p', duration: 8 }));
    expect([e.kind, e.status, e.outcomeUnknown]).toEqual(['bad-request', 400, false]);
    expect(e.apiMessage).toMatch(/1080p/);
  });

  it('422 for a prompt refused by moderation; a job moderated later ends with status 7', async () => {
    const e = await caught(client.create({ model: 'v4.5', prompt: 'sim:reject this' }));
    expect([e.kind, e.status, e.outcomeUnknown]).toEqual(['moderated', 422, false]);
    const { video_id } = await client.create({ model: 'v4.5', prompt: 'sim:moderate this', quality: '360p' });
    expect(videoOutcome(await waitFinal(client, video_id))).toBe('moderated');
  });

  it('429 for a submission beyond maxJobs; no job, no credits; accepted again once a slot frees', async () => {
    const busy = await startSimulator({ accounts: 1, maxJobs: 1, timeScale: 1, seed: 3 });
    const c = new PixverseClient({ baseUrl: busy.url, token: busy.token });
    try {
      await c.create({ model: 'v4.5', prompt: 'first' });
      const e = await caught(c.create({ model: 'v4.5', prompt: 'surplus' }));
      expect([e.kind, e.status, e.outcomeUnknown]).toEqual(['busy', 429, false]);
      expect(e.apiMessage).toBeTruthy();
      const stats = busy.stats();
      expect([stats.sent429, stats.submissions['videos/create'], stats.creditsSpent]).toEqual([1, 1, 30]);
      expect(busy.completeJobs()).toBe(1);
      await expect(c.create({ model: 'v4.5', prompt: 'after' })).resolves.toMatchObject({ cost_credits: 30 });
    } finally {
      await c.close();
      await busy.close();
    }
  });

  it('412 when the credits are used up', async () => {
    const poor = await startSimulator({ accounts: 1, credits: 40, timeScale: 0.001 });
    const c = new PixverseClient({ baseUrl: poor.url, token: poor.token });
    try {
      await c.create({ model: 'v4.5', prompt: 'affordable' });
      const e = await caught(c.create({ model: 'v4.5', prompt: 'one too many' }));
      expect([e.kind, e.status, e.apiMessage, e.outcomeUnknown]).toEqual(['insufficient-credits', 412, NO_CREDITS_MESSAGE, false]);
    } finally {
      await c.close();
      await poor.close();
    }
  });

  it('a reset after the job was accepted and a reset before: unknown outcomes for a generation POST; a 596 is definitive', async () => {
    const before = sim.stats().jobs.length;
    sim.forceErrorOnNextRequest('POST videos/create', 'ECONNRESET_AFTER');
    const lost = await caught(client.create({ model: 'v4.5', prompt: 'accepted but unheard', quality: '360p', replyRef: 'orphan' }));
    expect([lost.kind, lost.outcomeUnknown]).toEqual(['network', true]);
    // The job exists although the client never got its id: this is why POSTs are not retried blindly.
    expect(sim.stats().jobs.length).toBe(before + 1);
    expect(sim.stats().jobs.at(-1)).toMatchObject({ replyRef: 'orphan' });

    sim.forceErrorOnNextRequest('videos/create', 596);
    const e596 = await caught(client.create({ model: 'v4.5', prompt: 'p' }));
    // 596: the account's session was refused before anything started (2026 reference §7): definitive.
    expect([e596.kind, e596.status, e596.outcomeUnknown]).toEqual(['account-broken', 596, false]);

    sim.forceErrorOnNextRequest('POST videos/create', 'ECONNRESET');
    const reset = await caught(client.create({ model: 'v4.5', prompt: 'p' }));
    expect([reset.kind, reset.outcomeUnknown]).toEqual(['network', true]);

    sim.forceErrorOnNextRequest('GET features', 500);
    const e500 = await caught(client.getFeatures());
    expect([e500.kind, e500.status, e500.outcomeUnknown]).toEqual(['server', 500, false]);
  });

  it('a truncated media download fails and leaves no file', async () => {
    const { video_id } = await client.create({ model: 'v4.5', prompt: 'short clip', quality: '360p' });
    const video = await waitFinal(client, video_id);
    sim.setFaults({ truncateMedia: 1 });
    try {
      const target = join(dir, 'cut');
      const e = await caught(client.download(video.url!, join(target, 'cut.mp4')));
      expect([e.kind, e.detail]).toEqual(['network', 'truncated']);
      expect(await readdir(target)).toEqual([]);
    } finally {
      sim.setFaults({});
    }
  });
});
