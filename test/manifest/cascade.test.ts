import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../src/manifest/index.js';
import { job, load, loadValid } from './helpers.js';

describe('settings cascade: tool < config defaults < manifest defaults < job < matrix', () => {
  const manifest = `
version: 1
defaults:
  seed: 9
  audio: true
jobs:
  plain:
    prompt: p
  own:
    prompt: p
    quality: 360p
    seed: 3
  cells:
    prompt: p
    quality: 360p
    matrix:
      quality: [540p]
`;
  const config = { defaults: { quality: '720p' as const, seed: 5, aspect: '9:16' as const } };

  it('takes each field from the highest layer that sets it', async () => {
    const m = await loadValid(manifest, {}, { config });
    expect(job(m, 'plain').params).toEqual({
      model: 'v6', // tool default: today's create model
      prompt: 'p',
      quality: '720p', // config
      duration: 5, // tool
      audio: true, // manifest defaults
      aspect_ratio: '9:16', // config
      seed: 9, // manifest defaults over config
    });
    expect(job(m, 'own').params).toMatchObject({ quality: '360p', seed: 3 });
    expect(job(m, 'cells[quality=540p]').params).toMatchObject({ quality: '540p', seed: 9 });
  });

  it('checks the combination after the cascade, pointing at the lines that set it', async () => {
    const r = await load(`
version: 1
defaults:
  quality: 1080p
  model: v5.5
jobs:
  a:
    prompt: p
    duration: 9
`);
    expect(r.manifest).toBeUndefined();
    const d = r.diagnostics.find((x) => x.code === 'invalid-combination')!;
    expect(d.message).toBe('job "a": model v5.5 allows 1080p only at 1-8 s');
    expect(d.related?.map((x) => x.message)).toEqual(['model v5.5 is set here', 'quality 1080p is set here', 'duration 9 is set here']);
  });

  it('renders without model or quality on the endpoint default at its model default quality', async () => {
    const m = await loadValid('version: 1\njobs:\n  a: { prompt: p }\n  f: { frames: { first: a, last: a }, prompt: q }\n  x: { extend: a }\n  t: { transition: [a, f, a] }\n');
    expect(job(m, 'a').params).toMatchObject({ model: 'v6', quality: '720p', duration: 5 });
    expect(job(m, 'f').params).toMatchObject({ model: 'v5.6', quality: '540p' });
    expect(job(m, 'x').params).toMatchObject({ model: 'v6', quality: '720p' });
    expect(job(m, 't').params).toMatchObject({ model: 'v5', quality: '540p' });
  });

  it("warns about and does not send what today's models no longer take; pinned Aug-2025 models still get it", async () => {
    const r = await load('version: 1\njobs:\n  a: { prompt: p, motion: fast, negativePrompt: blur, style: comic }\n  old: { prompt: p, model: v4.5, motion: fast }\n');
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'field-gone'],
      ['warning', 'field-gone'],
      ['warning', 'field-gone'],
      ['warning', 'model-not-listed'],
    ]);
    expect(r.diagnostics.map((d) => d.message)).toContain('negativePrompt (negative_prompt) is not sent: model v6 no longer takes it');
    const params = job(r.manifest!, 'a').params;
    expect(params).not.toHaveProperty('motion_mode');
    expect(params).not.toHaveProperty('negative_prompt');
    expect(params).not.toHaveProperty('style');
    expect(job(r.manifest!, 'old').params).toMatchObject({ model: 'v4.5', quality: '540p', motion_mode: 'fast' });
  });

  it('refuses flags the model does not take, at the line that set them', async () => {
    const r = await load('version: 1\njobs:\n  a: { prompt: p, model: v5, audio: true }\n  b: { prompt: p, model: v5.6, multiShot: true }\n  c: { prompt: p, model: pixverse-c1, previewMode: true }\n');
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'job "a": model v5 takes no audio',
      'job "b": model v5.6 has no multi_shot',
      'job "c": model pixverse-c1 has no preview_mode',
    ]);
    expect(r.diagnostics[0]!.related?.map((x) => x.message)).toEqual(['model v5 is set here', 'audio true is set here']);
  });

  it('takes prompts up to 5,000 characters on create, 2,048 elsewhere', async () => {
    const long = 'x'.repeat(4000);
    const ok = await load(`version: 1\njobs:\n  a: { prompt: ${long} }\n`);
    expect(ok.diagnostics).toEqual([]);
    const r = await load(`version: 1\njobs:\n  a: { prompt: p }\n  f: { frames: { first: a, last: a }, prompt: ${long} }\n  b: { prompt: ${'y'.repeat(5001)} }\n`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['prompt-too-long', 'prompt-too-long']);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['prompt is 4000 characters after variables are expanded; the limit is 2048', 'jobs.b.prompt is 5001 characters; the limit is 5000']);
  });

  it('reports an unknown model from the project config at the job', async () => {
    const r = await load('version: 1\njobs:\n  a:\n    prompt: p\n', {}, { config: { defaults: { model: 'v9' } } });
    expect(r.diagnostics).toMatchObject([{ code: 'unknown-model', message: 'unknown model "v9" (from the project config defaults)' }]);
    expect(r.diagnostics[0]!.location!.range.offset).toBe('version: 1\njobs:\n  '.length);
  });
});

describe('seeds', () => {
  it('derives a fixed seed from the job id when none is set anywhere', async () => {
    const m = await loadValid('version: 1\njobs:\n  a:\n    prompt: p\n  b:\n    prompt: p\n    matrix: { k: [x, y] }\n');
    const seeds = m.jobs.map((j) => j.params.seed);
    expect(seeds).toEqual([deriveSeed('a'), deriveSeed('b[k=x]'), deriveSeed('b[k=y]')]);
    expect(new Set(seeds).size).toBe(3);
    for (const s of seeds) expect(s).toSatisfy((n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 2147483647);
  });

  it('is stable: sha256-based, not random', () => {
    expect(deriveSeed('intro')).toBe(deriveSeed('intro'));
    expect(deriveSeed('intro')).not.toBe(deriveSeed('intro.1'));
  });

  it('gives no seed to endpoints that take none', async () => {
    const m = await loadValid('version: 1\njobs:\n  a:\n    prompt: p\n  up:\n    upscale: a\n  talk:\n    lipsync: { video: a, text: hi }\n');
    expect(job(m, 'up').params).toEqual({});
    expect(job(m, 'talk').params).toEqual({ prompt: 'hi' });
  });
});

describe('resolved params', () => {
  it('are deterministic and JSON-plain, and never carry account or callback fields', async () => {
    const text = `
version: 1
defaults: { offPeak: always }
jobs:
  a: { prompt: p }
  b: { extend: a }
  c: { restyle: b, style: clay }
  d: { lipsync: { video: c, text: hello, voice: Emma } }
  e: { upscale: d }
`;
    const first = await loadValid(text);
    const second = await loadValid(text);
    expect(second.jobs).toEqual(first.jobs);
    for (const j of first.jobs) {
      expect(JSON.parse(JSON.stringify(j.params))).toEqual(j.params);
      for (const forbidden of ['email', 'replyUrl', 'replyRef', 'off_peak_mode', 'maxJobs']) expect(j.params).not.toHaveProperty(forbidden);
      expect(j.offPeak).toBe('always');
    }
  });

  it('sends no model to upscale and lipsync, and restyle only its own or the catalog restyle model', async () => {
    const m = await loadValid(`
version: 1
defaults: { model: v5 }
jobs:
  a: { prompt: p }
  r1: { restyle: a, style: anime }
  r2: { restyle: a, prompt: ink, model: v4 }
  up: { upscale: a }
`);
    expect(job(m, 'a').params.model).toBe('v5');
    expect(job(m, 'r1').params).toEqual({ model: 'v4', prompt: 'anime style, cel shading', restyle_id: 101, seed: deriveSeed('r1') });
    expect(job(m, 'r2').params).toEqual({ model: 'v4', prompt: 'ink', seed: deriveSeed('r2') });
    expect(job(m, 'up').params).not.toHaveProperty('model');
  });

  it('refuses a restyle model the catalog does not allow for restyle', async () => {
    const r = await load('version: 1\njobs:\n  a: { prompt: p }\n  r: { restyle: a, style: anime, model: v4.5 }\n');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ code: 'invalid-combination', message: 'job "r": model v4.5 does not support videos/restyle', hint: 'models for videos/restyle: v4' }]);
  });
});

describe('restyle takes model and style only from the job', () => {
  it('ignores defaults.style (a create style) and defaults.model', async () => {
    const m = await loadValid('version: 1\ndefaults: { style: comic, model: v4.5 }\njobs:\n  a: { prompt: p }\n  r: { restyle: a, prompt: ink wash }\n');
    expect(job(m, 'a').params).toMatchObject({ style: 'comic', model: 'v4.5' });
    expect(job(m, 'r').params).toEqual({ model: 'v4', prompt: 'ink wash', seed: deriveSeed('r') });
  });
});
