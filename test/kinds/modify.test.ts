/** videos/modify: the manifest field, its request, its price in the plan and on the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId, type LockFile } from '../../src/model.js';
import { plan } from '../../src/plan.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { catalog, create, graphOf, job, manifest, video } from '../graph/builders.js';
import { codes, load, loadValid, job as jobOf } from '../manifest/helpers.js';
import { post } from '../sim/helpers.js';

const EMPTY: LockFile = { version: 1, jobs: {} };
const yaml = (lines: string[]) => ['version: 1', 'jobs:', '  intro:', '    prompt: A street', ...lines, ''].join('\n');

describe('modify in a manifest', () => {
  it('works on a job (video_id) with model v5.5 and 540p unless told otherwise', async () => {
    const m = await loadValid(yaml(['  snow:', '    modify: intro', '    prompt: Snow falls']));
    const snow = jobOf(m, 'snow');
    expect(snow).toMatchObject({ kind: 'modify', endpoint: 'videos/modify', inputs: { video_id: { type: 'job-video', job: 'intro' } } });
    expect(snow.params).toMatchObject({ model: 'v5.5', prompt: 'Snow falls', quality: '540p' });
    expect(typeof snow.params.seed).toBe('number');
  });

  it('works on a local video (video_path)', async () => {
    const m = await loadValid(yaml(['  clip-snow:', '    modify: ./clip.mp4', '    prompt: Snow falls', '    quality: 720p']), { '/proj/clip.mp4': 'x' });
    expect(jobOf(m, 'clip-snow').inputs.video_path).toMatchObject({ type: 'asset', file: '/proj/clip.mp4' });
    expect(jobOf(m, 'clip-snow').params.quality).toBe('720p');
  });

  it('needs a prompt', async () => {
    expect(codes(await load(yaml(['  snow:', '    modify: intro'])))).toEqual(['missing-prompt']);
  });

  it('refuses a model or quality the endpoint lacks when the job asks for it, and ignores defaults meant for others', async () => {
    expect(codes(await load(yaml(['  snow:', '    modify: intro', '    prompt: Snow', '    model: v5'])))).toEqual(['invalid-combination']);
    expect(codes(await load(yaml(['  snow:', '    modify: intro', '    prompt: Snow', '    quality: 1080p'])))).toEqual(['invalid-combination']);
    const m = await loadValid(['version: 1', 'defaults: { model: v4, quality: 1080p }', ...yaml(['  snow:', '    modify: intro', '    prompt: Snow']).split('\n').slice(1)].join('\n'));
    expect(jobOf(m, 'snow').params).toMatchObject({ model: 'v5.5', quality: '540p' });
  });

  it('takes no fields of other kinds', async () => {
    expect(codes(await load(yaml(['  snow:', '    modify: intro', '    prompt: Snow', '    duration: 8'])))).toEqual(['field-not-allowed']);
  });
});

describe('modify prices', () => {
  const modifyOf = (from: string, quality = '540p') => job('snow', 'modify', { model: 'v5.5', prompt: 'Snow', quality }, { video_id: video(from) });
  const priceFor = (source: ReturnType<typeof create>, quality?: string) => {
    const p = plan({ graph: graphOf(manifest([source, modifyOf(source.id, quality)])), lock: EMPTY, outputsPresent: new Set(), catalog, now: new Date(), offPeakMultiplier: 0.7 });
    return p.jobs.find((j) => j.id === jobId('snow'))!.credits;
  };

  it('by the source length: the table row at or above it, pro rata beyond the longest row', () => {
    expect(priceFor(create('intro', { duration: 5 }))).toEqual({ standard: 30, offPeak: 21 });
    expect(priceFor(create('intro', { duration: 8 }), '360p')).toEqual({ standard: 40, offPeak: 28 });
    // A 13 s source (an 8 s video extended by 5 s): v5.5's longest 540p row is 10 s at 60 credits → ceil(60 × 13 / 10).
    const long = { ...job('intro', 'extend', { duration: 5, quality: '540p', model: 'v4.5' }, { video_id: video('base') }) };
    const p = plan({ graph: graphOf(manifest([create('base', { duration: 8 }), long, modifyOf('intro')])), lock: EMPTY, outputsPresent: new Set(), catalog, now: new Date() });
    expect(p.jobs.find((j) => j.id === jobId('snow'))!.credits.standard).toBe(Math.ceil((60 * 13) / 10));
  });
});

describe('modify on the simulator', () => {
  let sim: Simulator;
  let source: string;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 1, maxJobs: 8, credits: 1_000_000 });
    source = (await post(sim, 'videos/create', { prompt: 'source', duration: 8 })).body.video_id;
    sim.completeJobs();
  });
  afterAll(() => sim.close());

  it('charges what the plan shows, and keeps the source length', async () => {
    const r = await post(sim, 'videos/modify', { video_id: source, prompt: 'Snow falls', quality: '720p' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.cost_credits).toBe(80);
    sim.completeJobs({ videoId: r.body.video_id });
    const v = await (await fetch(`${sim.url}/videos/${r.body.video_id}`, { headers: { authorization: `Bearer ${sim.token}` } })).json();
    expect(v).toMatchObject({ duration: 8, quality: '720p', model: 'v5.5', prompt: 'Snow falls' });
  });

  it.each([
    [{ prompt: 'x' }, /video_id or video_path is required/],
    [{ video: true }, /prompt is required/],
    [{ video: true, prompt: 'x', model: 'v5' }, /model must be one of v5.5/],
    [{ video: true, prompt: 'x', quality: '1080p' }, /quality must be one of 360p, 540p, 720p/],
  ])('refuses %j with a 400', async (body, message) => {
    const { video: withVideo, ...rest } = body as Record<string, unknown>;
    const r = await post(sim, 'videos/modify', { ...rest, ...(withVideo ? { video_id: source } : {}) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });
});
