/** videos/motion-control: the manifest field, its request, its price in the plan and on the simulator. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId, type LockFile } from '../../src/model.js';
import { plan } from '../../src/plan.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { readMp4Info } from '../../src/sim/mp4.js';
import { asset, catalog, graphOf, job, manifest } from '../graph/builders.js';
import { codes, errors, load, loadValid, job as jobOf } from '../manifest/helpers.js';
import { get, PNG_1x1, post, upload } from '../sim/helpers.js';

const EMPTY: LockFile = { version: 1, jobs: {} };
const CLIP = readFileSync('examples/assets/clip.mp4');
const FILES = { '/proj/hero.png': 'png', '/proj/moves.mp4': 'mp4' };
const yaml = (lines: string[]) =>
  ['version: 1', 'assets:', '  hero: ./hero.png', '  moves: ./moves.mp4', 'jobs:', '  intro:', '    prompt: A street', ...lines, ''].join('\n');

/** The clip with its movie duration (mvhd, version 0) set to `seconds`. */
function clipOfLength(seconds: number): Buffer {
  const buf = Buffer.from(CLIP);
  const at = buf.indexOf('mvhd') + 4;
  const timescale = buf.readUInt32BE(at + 12);
  buf.writeUInt32BE(Math.round(seconds * timescale), at + 16);
  return buf;
}

describe('motionControl in a manifest', () => {
  it('sends the image as frame_1_path and the motion video as video_1_path, at v5.6 and 720p unless told otherwise', async () => {
    const m = await loadValid(yaml(['  dance:', '    motionControl: { image: hero, video: moves }']), FILES);
    const dance = jobOf(m, 'dance');
    expect(dance).toMatchObject({ kind: 'motionControl', endpoint: 'videos/motion-control' });
    expect(dance.inputs).toEqual({
      frame_1_path: { type: 'asset', name: 'hero', file: '/proj/hero.png' },
      video_1_path: { type: 'asset', name: 'moves', file: '/proj/moves.mp4' },
    });
    expect(dance.params).toEqual({ model: 'v5.6', quality: '720p' });
  });

  it("takes a job's last frame as the character", async () => {
    const m = await loadValid(yaml(['  dance:', '    motionControl: { image: intro, video: moves }', '    quality: 360p']), FILES);
    expect(jobOf(m, 'dance').inputs.frame_1_path).toEqual({ type: 'job-frame', job: 'intro', frame: 'last' });
    expect(jobOf(m, 'dance').params.quality).toBe('360p');
  });

  it('takes the motion only from a local file, never a job', async () => {
    expect(errors(await load(yaml(['  dance:', '    motionControl: { image: hero, video: intro }']), FILES))).toEqual(['unknown-asset']);
  });

  it('needs both the image and the video, and refuses another model or 1080p', async () => {
    expect(codes(await load(yaml(['  dance:', '    motionControl: { image: hero }']), FILES))).toEqual(['missing-field']);
    expect(codes(await load(yaml(['  dance:', '    motionControl: { image: hero, video: moves }', '    model: v5']), FILES))).toEqual(['invalid-combination']);
    expect(codes(await load(yaml(['  dance:', '    motionControl: { image: hero, video: moves }', '    quality: 1080p']), FILES))).toEqual(['invalid-combination']);
  });
});

describe('motionControl prices', () => {
  const dance = job('dance', 'motionControl', { model: 'v5.6', quality: '720p' }, { frame_1_path: asset('hero'), video_1_path: asset('moves', './moves.mp4') });
  const planOf = (media?: Map<string, unknown>) =>
    plan({ graph: graphOf(manifest([dance])), lock: EMPTY, outputsPresent: new Set(), catalog, now: new Date(), offPeakMultiplier: 0.7, ...(media ? { media: media as never } : {}) });

  it('per second of the measured motion video, at the highest native rate', () => {
    const p = planOf(new Map([['./moves.mp4', { ok: true, durationSeconds: 12, width: 640, height: 360 }]]));
    expect(p.jobs[0]!.credits).toEqual({ standard: 14 * 12, offPeak: Math.ceil(14 * 12 * 0.7) });
    expect(p.notes).toEqual([]);
  });

  it('an unmeasured motion video as the longest accepted (30 s), and says so', () => {
    const p = planOf();
    expect(p.jobs[0]!.credits.standard).toBe(14 * 30);
    expect(p.notes).toEqual([{ code: 'input-length-unknown', job: jobId('dance'), file: './moves.mp4', assumedSeconds: 30 }]);
  });
});

describe('motion control on the simulator', () => {
  let sim: Simulator;
  let image: string;
  let moves: string;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 1, maxJobs: 8, credits: 1_000_000 });
    image = await upload(sim, PNG_1x1, 'image/png');
    moves = await upload(sim, clipOfLength(12), 'video/mp4');
  });
  afterAll(() => sim.close());

  it('charges what the plan shows and renders as long as the motion video', async () => {
    expect(readMp4Info(clipOfLength(12))?.durationSeconds).toBe(12);
    const r = await post(sim, 'videos/motion-control', { frame_1_path: image, video_1_path: moves, quality: '540p' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.cost_credits).toBe(14 * 12);
    sim.completeJobs({ videoId: r.body.video_id });
    expect((await get(sim, `videos/${r.body.video_id}`)).body).toMatchObject({ duration: 12, quality: '540p', model: 'v5.6' });
  });

  it.each([
    [{ video: true }, /frame_1_path is required/],
    [{ image: true }, /video_1_path is required/],
    [{ image: true, video: true, model: 'v5.5' }, /model must be one of v5.6/],
    [{ image: true, video: true, quality: '1080p' }, /quality must be one of 360p, 540p, 720p/],
  ])('refuses %j with a 400', async (body, message) => {
    const { image: withImage, video: withVideo, ...rest } = body as Record<string, unknown>;
    const r = await post(sim, 'videos/motion-control', { ...rest, ...(withImage ? { frame_1_path: image } : {}), ...(withVideo ? { video_1_path: moves } : {}) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });

  it('refuses a motion video longer than 30 s', async () => {
    const long = await upload(sim, clipOfLength(31), 'video/mp4');
    const r = await post(sim, 'videos/motion-control', { frame_1_path: image, video_1_path: long });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/31 s; it must be 1 to 30 s/);
  });
});
