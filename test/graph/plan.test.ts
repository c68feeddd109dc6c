import { describe, expect, it } from 'vitest';
import { jobId, type LockFile, type ResolvedJob } from '../../src/model.js';
import { plan, type PlanInput } from '../../src/plan.js';
import { asset, catalog, create, extend, graphOf, job, lipsync, lockOf, manifest, restyle, transition, upscale } from './builders.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const EMPTY: LockFile = { version: 1, jobs: {} };
const run = (jobs: ResolvedJob[], extra: Partial<PlanInput> = {}, m = manifest(jobs)) =>
  plan({ graph: graphOf(m), lock: EMPTY, outputsPresent: new Set(), catalog, now: NOW, ...extra });
const byId = (p: ReturnType<typeof plan>, id: string) => p.jobs.find((j) => j.id === id)!;

describe('plan actions', () => {
  const jobs = () => [create('intro', {}, { first_frame_path: asset('hero') }), extend('long', 'intro'), create('pour')];

  it('renders jobs without a lock entry', () => {
    const p = run(jobs());
    expect(p.jobs.map((j) => [j.id, j.action, j.reason])).toEqual([
      ['intro', 'render', 'no lock entry'],
      ['long', 'render', 'no lock entry'],
      ['pour', 'render', 'no lock entry'],
    ]);
    expect(p.totals).toMatchObject({ jobs: 3, render: 3, cached: 0, download: 0, credits: 90, creditsStandard: 90 });
  });

  it('caches matching jobs whose output exists and downloads those whose output is missing', () => {
    const graph = graphOf(manifest(jobs()));
    const p = plan({ graph, lock: lockOf(graph), outputsPresent: new Set(['intro', 'long']), catalog, now: NOW });
    expect(p.jobs.map((j) => [j.id, j.action, j.cost])).toEqual([
      ['intro', 'cached', 0],
      ['long', 'cached', 0],
      ['pour', 'download', 0],
    ]);
    expect(byId(p, 'pour').reason).toBe('output file missing');
    expect(p.totals).toMatchObject({ render: 0, cached: 2, download: 1, credits: 0, creditsStandard: 0 });
  });

  it('marks a changed job stale with the reason, and its dependents stale because of it', () => {
    const old = graphOf(manifest(jobs()));
    const changed = jobs();
    changed[0] = { ...changed[0]!, params: { ...changed[0]!.params, prompt: 'a new prompt', duration: 8 } };
    const p = plan({ graph: graphOf(manifest(changed)), lock: lockOf(old), outputsPresent: new Set(['intro', 'long', 'pour']), catalog, now: NOW });
    expect(p.jobs.map((j) => [j.id, j.action, j.reason])).toEqual([
      ['intro', 'stale', 'prompt changed, duration changed (5 → 8)'],
      ['long', 'stale', 'upstream intro changed'],
      ['pour', 'cached', undefined],
    ]);
    expect(p.totals).toMatchObject({ render: 2, cached: 1, credits: 60 + 30 });
  });

  it('explains an asset content change from the recorded inputs, or deduces it without them', () => {
    const old = graphOf(manifest(jobs()));
    const graph = graphOf(manifest(jobs()), new Map([['./images/hero.png', 'new-content']]));
    const plain = plan({ graph, lock: lockOf(old), outputsPresent: new Set(), catalog, now: NOW });
    expect(byId(plain, 'intro').reason).toBe('hero.png content changed');
    const recorded = lockOf(old);
    for (const [id, entry] of Object.entries(recorded.jobs)) Object.assign(entry, { inputs: old.records.get(jobId(id))!.inputs });
    const precise = plan({ graph, lock: recorded, outputsPresent: new Set(), catalog, now: NOW });
    expect([byId(precise, 'intro').reason, byId(precise, 'long').reason]).toEqual(['image hero.png content changed', 'upstream intro changed']);
  });

  it('does not take inherited object properties for lock entries', () => {
    expect(run([create('constructor'), create('toString')]).jobs.map((j) => [j.action, j.reason])).toEqual([
      ['render', 'no lock entry'],
      ['render', 'no lock entry'],
    ]);
  });

  it('re-renders the dependents of a job whose lock entry was lost', () => {
    const graph = graphOf(manifest(jobs()));
    const lock = lockOf(graph, ['long', 'pour']);
    const p = plan({ graph, lock, outputsPresent: new Set(['long', 'pour']), catalog, now: NOW });
    expect(p.jobs.map((j) => [j.id, j.action, j.reason])).toEqual([
      ['intro', 'render', 'no lock entry'],
      ['long', 'stale', 'upstream intro changed'],
      ['pour', 'cached', undefined],
    ]);
  });
});

describe('plan costs', () => {
  it('prices 5 s 540p normal at 30, off-peak at the account factor (none read: no discount)', () => {
    expect(byId(run([create('a')], { offPeakMultiplier: 0.5 }), 'a').credits).toEqual({ standard: 30, offPeak: 15 });
    expect(byId(run([create('a')], { offPeakMultiplier: 0.7 }), 'a').credits).toEqual({ standard: 30, offPeak: 21 });
    expect(byId(run([create('a')]), 'a').credits).toEqual({ standard: 30, offPeak: 30 });
  });

  it('prices an upscale by its source: 60 for an 8 s job, 75 for a 10 s extended clip', () => {
    const p = run([create('a', { duration: 8 }), upscale('up', 'a'), create('b'), extend('long', 'b'), upscale('up2', 'long')]);
    expect(byId(p, 'up').credits).toEqual({ standard: 60, offPeak: null });
    expect(byId(p, 'up2').credits.standard).toBe(Math.ceil((60 * 10) / 8));
  });

  it('prices transition segments, lipsync per source second and restyle by its source length', () => {
    const p = run([create('a', { duration: 8 }), create('b'), transition('t', ['a', 'b', 'a'], { duration_1_to_2: 5, duration_2_to_3: 8 }), lipsync('talk', 'a'), extend('e', 'b'), restyle('r', 'e')]);
    expect(byId(p, 't').credits.standard).toBe(30 + 60);
    expect(byId(p, 'talk').credits.standard).toBe(6 * 8);
    expect(byId(p, 'r').credits.standard).toBe(60);
  });

  it('prices local media by its measured length and size; the longer of video and audio counts for lipsync', () => {
    const clip = asset('clip', './clip.mp4');
    const voice = asset('voice', './voice.wav');
    const media = new Map([
      ['./clip.mp4', { ok: true as const, durationSeconds: 12.34, width: 1920, height: 1080 }],
      ['./voice.wav', { ok: true as const, durationSeconds: 20 }],
    ]);
    const jobs = [
      job('talk', 'lipsync', { prompt: 'hi' }, { video_path: clip }),
      job('dub', 'lipsync', {}, { video_path: clip, audio_path: voice }),
      job('r', 'restyle', { model: 'v4', prompt: 'anime' }, { video_path: clip }),
      extend('e', 'talk'),
      job('e2', 'extend', { model: 'v4.5', prompt: 'on', quality: '540p', duration: 5 }, { video_path: clip }),
      lipsync('talk2', 'e2'),
    ];
    const p = run(jobs, { media });
    expect(byId(p, 'talk').credits.standard).toBe(Math.ceil(6 * 12.4)); // 0.1 s, rounded up
    expect(byId(p, 'dub').credits.standard).toBe(6 * 20);
    // A 1080p source has no 8 s restyle price on v4: priced like the simulator, at 540p.
    expect(byId(p, 'r').credits.standard).toBe(60);
    expect(byId(p, 'talk2').credits.standard).toBe(Math.ceil(6 * 17.4));
    expect(p.notes).toEqual([]);
  });

  it('without a measurement, prices at the longest accepted length and the costliest quality, and notes it', () => {
    const clip = asset('clip', './clip.mp4');
    const p = run([job('talk', 'lipsync', { prompt: 'hi' }, { video_path: clip }), create('a', {}, { first_frame_path: asset('hero') })]);
    expect(byId(p, 'talk').credits.standard).toBe(6 * 180);
    expect(byId(p, 'a').credits.standard).toBe(30); // images have no length
    expect(p.notes).toEqual([{ code: 'input-length-unknown', job: 'talk', file: './clip.mp4', assumedSeconds: 180 }]);
  });

  it('prices off-peak like standard when the factor is unknown', () => {
    const p = run([{ ...create('a'), offPeak: 'always' }], { offPeakMultiplier: 'unknown' });
    expect(byId(p, 'a')).toMatchObject({ credits: { standard: 30, offPeak: 30 }, cost: 30 });
    expect(p.notes).toEqual([{ code: 'off-peak-factor-unknown', assumedFactor: 1 }]);
  });

  it('uses the given off-peak multiplier', () => {
    const p = run([{ ...create('a'), offPeak: 'always' }], { offPeakMultiplier: 0.7 });
    expect(byId(p, 'a')).toMatchObject({ credits: { standard: 30, offPeak: 21 }, offPeak: true, cost: 21 });
  });
});

describe('off-peak choice', () => {
  const HOUR = 3600;
  const withPolicy = (j: ResolvedJob, offPeak: ResolvedJob['offPeak']) => ({ ...j, offPeak });

  it('never → standard; always → off-peak where offered; upscale never has off-peak', () => {
    const p = run([withPolicy(create('n'), 'never'), withPolicy(create('a'), 'always'), withPolicy(upscale('u', 'a'), 'always')], { offPeakMultiplier: 0.5 });
    expect(p.jobs.map((j) => [j.id, j.offPeak, j.cost])).toEqual([
      ['n', false, 30],
      ['a', true, 15],
      ['u', false, 30],
    ]);
  });

  it('auto → off-peak without a deadline, and only when the worst-case wait fits before one', () => {
    const jobs = [withPolicy(create('a'), 'auto')];
    expect(byId(run(jobs), 'a').offPeak).toBe(true);
    const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR * 1000).toISOString();
    expect(byId(run(jobs, {}, manifest(jobs, { deadline: at(25) })), 'a').offPeak).toBe(true);
    expect(byId(run(jobs, {}, manifest(jobs, { deadline: at(23) })), 'a').offPeak).toBe(false);
  });

  it('auto gives the off-peak slack to upstream jobs first, so the chain still meets the deadline', () => {
    const jobs = [withPolicy(create('a'), 'auto'), withPolicy(extend('b', 'a'), 'auto')];
    const deadline = new Date(NOW.getTime() + 25 * HOUR * 1000).toISOString();
    const p = run(jobs, {}, manifest(jobs, { deadline }));
    expect(p.jobs.map((j) => [j.id, j.offPeak])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    // 24 h + 24.4 h of worst-case waits do not fit before a 47 h deadline, so only one goes off-peak; 49 h fits both.
    const later = (h: number) => manifest(jobs, { deadline: new Date(NOW.getTime() + h * HOUR * 1000).toISOString() });
    expect(run(jobs, {}, later(47)).jobs.map((j) => j.offPeak)).toEqual([true, false]);
    expect(run(jobs, {}, later(49)).jobs.map((j) => j.offPeak)).toEqual([true, true]);
  });
});

describe('budget and timing', () => {
  it('is over budget only when this run spends more than the budget', () => {
    const jobs = [create('a'), create('b')];
    expect(run(jobs, { budgetCredits: 60 }).overBudget).toBe(false);
    const over = run(jobs, { budgetCredits: 59 });
    expect([over.overBudget, over.budgetCredits, over.totals.credits]).toEqual([true, 59, 60]);
    expect(run(jobs, {}, manifest(jobs, { budgetCredits: 10 })).overBudget).toBe(true);
    expect(run(jobs).overBudget).toBe(false);
  });

  it('expects the longest remaining path from each job to the end of the graph', () => {
    const p = run([create('a'), extend('b', 'a'), upscale('c', 'b'), create('d', { quality: '720p' })]);
    const t = catalog.timing;
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => byId(p, id));
    expect(a!.expectedSeconds).toBe(t.queue_s + 8 * 5);
    expect(c!.expectedSeconds).toBe(t.queue_s + t.upscale_s_per_output_s * 10);
    expect(c!.remainingPathSeconds).toBe(c!.expectedSeconds);
    expect(a!.remainingPathSeconds).toBe(a!.expectedSeconds + b!.expectedSeconds + c!.expectedSeconds);
    expect(d!.remainingPathSeconds).toBe(t.queue_s + 12 * 5);
  });

  it('keeps dependencies and fingerprints of each job', () => {
    const graph = graphOf(manifest([create('a'), job('b', 'upscale', {}, { video_id: { type: 'job-video', job: jobId('a') } })]));
    const p = plan({ graph, lock: EMPTY, outputsPresent: new Set(), catalog, now: NOW });
    expect(p.jobs.map((j) => [j.id, j.dependsOn, j.fingerprint])).toEqual([
      ['a', [], graph.byId.get(jobId('a'))!.fingerprint],
      ['b', ['a'], graph.byId.get(jobId('b'))!.fingerprint],
    ]);
  });
});
