import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NO_CREDITS_MESSAGE, startSimulator, type Simulator } from '../../src/sim/index.js';
import { get, ManualClock, post, PNG_1x1, upload } from './helpers.js';

describe('generation endpoints', () => {
  let sim: Simulator;
  let image: string;
  let image2: string;
  let video: string; // a completed video_id
  let pending: string; // a queued video_id
  let videoUpload: string;
  let audioUpload: string;

  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 1, maxJobs: 8, credits: 1_000_000 });
    image = await upload(sim, PNG_1x1, 'image/png');
    image2 = await upload(sim, PNG_1x1, 'image/png');
    videoUpload = await upload(sim, Buffer.from('not really an mp4'), 'video/mp4');
    audioUpload = await upload(sim, Buffer.from('ID3'), 'audio/mpeg');
    video = (await post(sim, 'videos/create', { prompt: 'source', quality: '720p' })).body.video_id;
    sim.completeJobs();
    pending = (await post(sim, 'videos/create', { prompt: 'still running' })).body.video_id;
  });
  afterAll(() => sim.close());

  const ok = async (path: string, body: Record<string, unknown>) => {
    const r = await post(sim, path, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.video_id).toMatch(/-video:\d{15}$/);
    expect(typeof r.body.cost_credits).toBe('number');
    sim.completeJobs({ videoId: r.body.video_id });
    return r.body as { video_id: string; cost_credits: number };
  };
  const bad = async (path: string, body: Record<string, unknown>, message: RegExp) => {
    const r = await post(sim, path, body);
    expect(r.status, JSON.stringify(body)).toBe(400);
    expect(r.body).toMatchObject({ code: 400 });
    expect(r.body.error).toMatch(message);
  };

  test('create: text-to-video priced from the catalog', async () => {
    expect((await ok('videos/create', { prompt: 'p', model: 'v4.5', quality: '540p', duration: 5 })).cost_credits).toBe(30);
    expect((await ok('videos/create', { prompt: 'p', model: 'v4', quality: '720p', duration: 8 })).cost_credits).toBe(80);
    expect((await ok('videos/create', { prompt: 'p', model: 'v4', quality: '360p', motion_mode: 'fast' })).cost_credits).toBe(40);
    // Today's body: no model (v6), no quality (720p), up to 15 s; per second, audio included.
    expect((await ok('videos/create', { prompt: 'p', quality: '1080p' })).cost_credits).toBe(70);
    expect((await ok('videos/create', { prompt: 'p', duration: 15 })).cost_credits).toBe(105);
    expect((await ok('videos/create', { prompt: 'p', duration: 15, audio: true, multi_shot: true })).cost_credits).toBe(105);
    expect((await ok('videos/create', { prompt: 'p', model: 'v5.5', duration: 8, audio: true })).cost_credits).toBe(80);
  });

  test('create: an off-peak 5 s 540p video costs the plan factor (0.7): 21; preview × 0.8 on top: 17', async () => {
    expect((await ok('videos/create', { prompt: 'p', quality: '540p', duration: 5, off_peak_mode: true })).cost_credits).toBe(21);
    expect((await ok('videos/create', { prompt: 'p', quality: '540p', duration: 5, off_peak_mode: true, preview_mode: true })).cost_credits).toBe(17);
  });

  test('create: per-model capabilities', async () => {
    await bad('videos/create', { prompt: 'p', model: 'v5', audio: true }, /takes no audio/);
    await bad('videos/create', { prompt: 'p', model: 'v5.6', multi_shot: true }, /multi_shot/);
    await bad('videos/create', { prompt: 'p', model: 'v5.6', quality: '1080p', duration: 9 }, /1080p only at 1-8 s/);
    await bad('videos/create', { prompt: 'p', model: 'seedance-2.5', quality: '720p', duration: 6, audio: true }, /always renders with audio/);
    await bad('videos/create', { prompt: 'p', model: 'seedance-2.5', quality: '720p', duration: 6, off_peak_mode: true }, /off_peak_mode is not available/);
  });

  test('create: image-to-video and effects', async () => {
    await ok('videos/create', { prompt: 'p', first_frame_path: image });
    await ok('videos/create', { template_id: 307489548427968, first_frame_path: image });
    await ok('videos/create', { template_id: 329016642347008, first_frame_path: image, last_frame_path: image2, quality: '360p' });
  });

  test('create: validation errors', async () => {
    await bad('videos/create', {}, /prompt is required/);
    await bad('videos/create', { prompt: 'x'.repeat(2049) }, /prompt.*2048/);
    await bad('videos/create', { prompt: 'p', seed: 0 }, /seed/);
    await bad('videos/create', { prompt: 'p', seed: 2147483648 }, /seed/);
    await bad('videos/create', { prompt: 'p', quality: '4k' }, /quality/);
    await bad('videos/create', { prompt: 'p', duration: 16 }, /duration/);
    await bad('videos/create', { prompt: 'p', model: 'v4.6' }, /unknown model "v4.6"/);
    await bad('videos/create', { prompt: 'p', motion_mode: 'slow' }, /motion_mode/);
    await bad('videos/create', { prompt: 'p', aspect_ratio: '21:9' }, /aspect_ratio/);
    await bad('videos/create', { prompt: 'p', style: 'noir' }, /style/);
    await bad('videos/create', { prompt: 'p', model: 'v4', quality: '1080p', duration: 8 }, /1080p/);
    await bad('videos/create', { prompt: 'p', model: 'v4', quality: '1080p', motion_mode: 'fast' }, /1080p/);
    await bad('videos/create', { prompt: 'p', model: 'v4', quality: '720p', duration: 8, motion_mode: 'fast' }, /720p/);
    await bad('videos/create', { prompt: 'p', replyUrl: `https://example.com/${'x'.repeat(1024)}` }, /replyUrl/);
    await bad('videos/create', { prompt: 'p', replyRef: 'r'.repeat(1025) }, /replyRef/);
    await bad('videos/create', { prompt: 'p', maxJobs: 9 }, /maxJobs/);
    await bad('videos/create', { prompt: 'p', maxJobs: 0 }, /maxJobs/);
    await bad('videos/create', { prompt: 'p', template_id: 123 }, /template_id/);
    await bad('videos/create', { template_id: 307489548427968 }, /first_frame_path/);
    await bad('videos/create', { template_id: 329016642347008, first_frame_path: image }, /last_frame_path/);
    await bad('videos/create', { template_id: 322211087523840, first_frame_path: image, quality: '720p' }, /quality/);
    await bad('videos/create', { prompt: 'p', first_frame_path: 'upload/missing.png' }, /unknown upload path/);
    await bad('videos/create', { prompt: 'p', first_frame_path: videoUpload }, /expected an image/);
    await bad('videos/create', { prompt: 'p', last_frame_path: image }, /last_frame_path/);
    await bad('videos/create', { prompt: 'p', lip_sync_tts_speaker_id: '9999' }, /speaker/);
    await bad('videos/create', { prompt: 'p', off_peak_mode: 'maybe' }, /off_peak_mode/);
  });

  test('create-frames: needs both frames', async () => {
    expect((await ok('videos/create-frames', { first_frame_path: image, last_frame_path: image2, quality: '360p' })).cost_credits).toBe(20);
    await bad('videos/create-frames', { first_frame_path: image }, /last_frame_path is required/);
    await bad('videos/create-frames', { last_frame_path: image }, /first_frame_path is required/);
  });

  test('extend: from a completed video or an uploaded one', async () => {
    const extended = await ok('videos/extend', { video_id: video, prompt: 'more', duration: 5 });
    const v = (await get(sim, `videos/${extended.video_id}`)).body;
    expect(v).toMatchObject({ extended: 1, duration: 10, output_width: 1280, output_height: 720 });
    await ok('videos/extend', { video_path: videoUpload, quality: '540p' });
    await bad('videos/extend', {}, /video_id or video_path/);
    await bad('videos/extend', { video_id: video, video_path: videoUpload }, /either/);
    await bad('videos/extend', { video_id: pending }, /not completed/);
    await bad('videos/extend', { video_id: video.replace(/\d{15}$/, '100000000000000') }, /not found/);
    await bad('videos/extend', { video_path: image }, /expected a video/);
  });

  test('extend without email uses the account of the source video', async () => {
    const two = await startSimulator({ accounts: 2, maxJobs: 8, timeScale: 0 });
    try {
      const src = (await post(two, 'videos/create', { prompt: 'p', email: 'render02@sim.pixrender.local' })).body.video_id;
      two.completeJobs();
      for (let i = 0; i < 5; i++) {
        const r = await post(two, 'videos/extend', { video_id: src });
        expect(r.body.video_id).toContain('pixverse:render02@sim.pixrender.local-video:');
      }
    } finally {
      await two.close();
    }
  });

  test('restyle: prompt and source required, restyle_id must exist; v4 is used by default', async () => {
    const r = await ok('videos/restyle', { video_id: video, prompt: 'clay', restyle_id: 102 });
    expect((await get(sim, `videos/${r.video_id}`)).body.model).toBe('v4');
    await bad('videos/restyle', { video_id: video }, /prompt is required/);
    await bad('videos/restyle', { prompt: 'clay' }, /video_id or video_path/);
    await bad('videos/restyle', { video_id: video, prompt: 'clay', restyle_id: 999 }, /restyle_id/);
    await bad('videos/restyle', { video_id: video, prompt: 'clay', model: 'v5' }, /does not support videos\/restyle/);
  });

  test('create-fusion: frame_1_path and prompt required, @picN must exist', async () => {
    await ok('videos/create-fusion', { frame_1_path: image, frame_2_path: image2, prompt: '@pic1 hugs @pic2', model: 'v5' });
    await bad('videos/create-fusion', { prompt: '@pic1' }, /frame_1_path is required/);
    await bad('videos/create-fusion', { frame_1_path: image }, /prompt is required/);
    await bad('videos/create-fusion', { frame_1_path: image, prompt: '@pic1 and @pic3' }, /@pic3/);
  });

  test('create-transition: consecutive frames, priced per segment', async () => {
    const r = await ok('videos/create-transition', {
      frame_1_path: image, frame_2_path: image2, frame_3_path: image, duration_1_to_2: 5, duration_2_to_3: 8, quality: '360p', model: 'v5',
    });
    expect(r.cost_credits).toBe(20 + 40);
    expect((await get(sim, `videos/${r.video_id}`)).body.duration).toBe(13);
    await bad('videos/create-transition', { frame_1_path: image }, /frame_2_path is required/);
    await bad('videos/create-transition', { frame_1_path: image, frame_2_path: image, frame_4_path: image }, /consecutive/);
    await bad('videos/create-transition', { frame_1_path: image, frame_2_path: image, duration_1_to_2: 11, model: 'v5' }, /duration/);
  });

  test('lipsync: source video plus audio or TTS prompt', async () => {
    const r = await ok('videos/lipsync', { video_id: video, audio_path: audioUpload });
    expect(r.cost_credits).toBe(30); // 6 credits per second of a 5 s source
    await ok('videos/lipsync', { video_id: video, prompt: 'hello there', speaker_id: '1001' });
    await ok('videos/lipsync', { video_path: videoUpload, prompt: 'hi', off_peak_mode: true });
    await bad('videos/lipsync', { video_id: video }, /audio_path or prompt/);
    await bad('videos/lipsync', { video_id: video, prompt: 'x'.repeat(201) }, /200/);
    await bad('videos/lipsync', { video_id: video, prompt: 'hi', speaker_id: 'nobody' }, /speaker/);
    await bad('videos/lipsync', { video_id: video, audio_path: image }, /expected an audio/);
  });

  test('upscale: a completed video → a 4K video marked upscaled', async () => {
    const r = await ok('videos/upscale', { video_id: video });
    expect(r.cost_credits).toBe(30);
    const v = (await get(sim, `videos/${r.video_id}`)).body;
    expect(v).toMatchObject({ upscaled: 1, original_video_id: video, output_width: 3840, output_height: 2160 });
    await bad('videos/upscale', {}, /video_id is required/);
    await bad('videos/upscale', { video_id: pending }, /not completed/);
    await bad('videos/upscale', { video_id: r.video_id }, /already upscaled/);
    await bad('videos/upscale', { video_id: video, off_peak_mode: true }, /off_peak_mode/);
  });

  test('numbers and booleans may arrive as strings (multipart style)', async () => {
    expect((await ok('videos/create', { prompt: 'p', duration: '8', quality: '360p', seed: '42', off_peak_mode: 'false', audio: 'true' })).cost_credits).toBe(32);
  });
});

describe('credits', () => {
  test('a create beyond the balance is 412 with the documented message; nothing is charged', async () => {
    const sim = await startSimulator({ credits: 50, timeScale: 0 });
    try {
      expect((await post(sim, 'videos/create', { prompt: 'p', quality: '540p' })).status).toBe(200); // 30, 20 left
      const r = await post(sim, 'videos/create', { prompt: 'p', quality: '540p' });
      expect(r.status).toBe(412);
      expect(r.body.error).toBe(NO_CREDITS_MESSAGE);
      expect(r.body.error).toBe('All Credits have been used up. Please upgrade your membership or purchase credits.');
      expect((await post(sim, 'videos/create', { prompt: 'p', quality: '360p' })).status).toBe(200); // exactly 20
      const stats = sim.stats();
      expect(stats.sent412).toBe(1);
      expect(stats.creditsSpent).toBe(50);
      expect(stats.jobs).toHaveLength(2);
      expect((await get(sim, 'features')).body).toMatchObject({ credit_monthly: 0, credit_package: 0 });
      sim.addCredits(30);
      expect((await post(sim, 'videos/create', { prompt: 'p', quality: '540p' })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  test('without email, an account that can pay is chosen over one that cannot', async () => {
    const sim = await startSimulator({ accounts: [{ email: 'poor@example.com', credits: 0 }, { email: 'rich@example.com', credits: 1000 }], timeScale: 0 });
    try {
      for (let i = 0; i < 4; i++) expect((await post(sim, 'videos/create', { prompt: 'p' })).body.video_id).toContain('rich@example.com');
    } finally {
      await sim.close();
    }
  });
});

describe('moderation', () => {
  test('a rejected word is 422 at submit (no job, no charge); a moderated word ends with status 7; a fail word with 8', async () => {
    const sim = await startSimulator({ timeScale: 0.001, moderation: { rejectWords: ['forbidden'], moderateWords: ['dubious'], failWords: ['glitch'] } });
    try {
      const rejected = await post(sim, 'videos/create', { prompt: 'something FORBIDDEN here' });
      expect(rejected.status).toBe(422);
      expect(rejected.body.code).toBe(422);
      expect((await post(sim, 'videos/create', { prompt: 'ok', negative_prompt: 'forbidden' })).status).toBe(422);
      const moderated = (await post(sim, 'videos/create', { prompt: 'a dubious scene' })).body.video_id;
      const failed = (await post(sim, 'videos/create', { prompt: 'a glitch' })).body.video_id;
      sim.completeJobs();
      const m = (await get(sim, `videos/${moderated}`)).body;
      expect(m).toMatchObject({ video_status: 7, video_status_name: 'MODERATED', video_status_final: true, url: '' });
      const f = (await get(sim, `videos/${failed}`)).body;
      expect(f).toMatchObject({ video_status: 8, video_status_name: 'FAILED', video_status_final: true, url: '' });
      const stats = sim.stats();
      expect(stats.sent422).toBe(2);
      expect(stats.jobs.map((j) => j.status)).toEqual([7, 8]);
    } finally {
      await sim.close();
    }
  });

  test('the default lists use sim:reject / sim:moderate markers', async () => {
    const sim = await startSimulator({ timeScale: 0 });
    try {
      expect((await post(sim, 'videos/create', { prompt: 'sim:reject' })).status).toBe(422);
      expect((await post(sim, 'videos/create', { prompt: 'a cat' })).status).toBe(200);
    } finally {
      await sim.close();
    }
  });

  test('a failure rate makes a seeded share of jobs end FAILED', async () => {
    const statuses = async () => {
      const sim = await startSimulator({ clock: new ManualClock(), seed: 11, moderation: { failureRate: 0.5 } });
      try {
        for (let i = 0; i < 16; i++) {
          expect((await post(sim, 'videos/create', { prompt: `p${i}` })).status).toBe(200);
          sim.completeJobs();
        }
        return sim.stats().jobs.map((j) => j.status);
      } finally {
        await sim.close();
      }
    };
    const first = await statuses();
    expect(first).toContain(8);
    expect(first).toContain(1);
    expect(await statuses()).toEqual(first);
  });
});
