import fc from 'fast-check';
import { memfs } from 'memfs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCatalog } from '../../src/catalog.js';
import { loadManifest } from '../../src/manifest/index.js';
import { codes, errors, load, loadValid, MANIFEST } from './helpers.js';

/** Field names from every corner of the language, for generated manifests. */
const FIELDS = [
  'prompt', 'image', 'lastImage', 'effect', 'frames', 'first', 'last', 'job', 'frame', 'extend', 'restyle', 'style', 'fusion',
  'images', 'transition', 'durations', 'prompts', 'lipsync', 'video', 'text', 'voice', 'audio', 'upscale', 'then', 'matrix',
  'vars', 'model', 'quality', 'duration', 'motion', 'seed', 'offPeak', 'speech', 'k',
];

describe('loadManifest with an injected file system', () => {
  it('reports a missing manifest as a diagnostic without a location', async () => {
    const { fs } = memfs({ '/proj/other.yaml': '' });
    const r = await loadManifest('/proj/none.yaml', { fs: fs.promises });
    expect(r.manifest).toBeUndefined();
    expect(r.diagnostics).toEqual([{ severity: 'error', code: 'file-not-found', message: 'cannot read /proj/none.yaml: no such file' }]);
    expect(r.sources.size).toBe(0);
  });

  it('reports a folder given as the manifest as unreadable', async () => {
    const { fs } = memfs({ '/proj/dir/x.yaml': '' });
    const r = await loadManifest('/proj/dir', { fs: fs.promises });
    expect(codes(r)).toEqual(['file-unreadable']);
  });

  it('keeps the source text under the file name as given', async () => {
    const r = await load('version: 1\njobs:\n  a: { prompt: p }\n');
    expect([...r.sources.keys()]).toEqual([MANIFEST]);
    expect(r.manifest!.jobs[0]!.location).toEqual({ file: MANIFEST, range: { offset: 'version: 1\njobs:\n  '.length, length: 1 } });
  });

  it('checks that asset files exist and are files', async () => {
    const r = await load('version: 1\nassets: { a: ./a.png, d: ./d.png }\njobs:\n  x: { prompt: p, image: a }\n  y: { prompt: p, image: d }\n  z: { prompt: p, image: ./gone/z.png }\n', {
      '/proj/a.png': 'x',
      '/proj/d.png/inner': 'x',
    });
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['missing-asset', 'd.png is not a file'],
      ['missing-asset', 'file not found: gone/z.png'],
    ]);
  });
});

describe('how far validation goes', () => {
  it('stops after schema errors outside jobs (the rest cannot be trusted)', async () => {
    const r = await load('version: 1\ndefaults: { quality: 4k }\njobs:\n  a: { extend: nowhere }\n');
    expect(codes(r)).toEqual(['schema']);
  });

  it('checks the other jobs when one job has schema errors, and collects everything', async () => {
    const r = await load('version: 2\njobs:\n  a: { prompt: 5 }\n');
    expect(codes(r)).toEqual(['schema', 'schema']);
    const r2 = await load('version: 1\njobs:\n  a: { prompt: 5 }\n  b: { extend: nowhere }\n  c: { extend: a }\n');
    expect(codes(r2)).toEqual(['schema', 'unknown-job']);
  });
});

describe('manifest-level results', () => {
  it('fills name (default: file name), budget, deadline and the output folder', async () => {
    const m = await loadValid('version: 1\nbudget: { credits: 300 }\nschedule: { deadline: "2026-12-01T09:00:00Z" }\njobs:\n  a: { prompt: p }\n');
    expect(m).toMatchObject({ file: MANIFEST, name: 'show', budgetCredits: 300, deadline: '2026-12-01T09:00:00Z', outputDir: '/proj/renders/show' });
    expect(m.jobs[0]!.output).toBe('renders/show/a.mp4');
  });

  it('uses output.dir and output.file, else the config outputDir', async () => {
    const text = 'version: 1\nname: ad\nvars: { season: fall }\njobs:\n  a: { prompt: p }\npost: [{ concat: [a], output: "${name}-${season}.mp4" }]\n';
    const own = await loadValid(text.replace('jobs:', 'output: { dir: "out/${season}", file: "clip-{job}.mp4" }\njobs:'));
    expect(own.outputDir).toBe('/proj/out/fall');
    expect(own.jobs[0]!.output).toBe('out/fall/clip-a.mp4');
    expect(own.post[0]!.output).toBe('out/fall/ad-fall.mp4');
    const dollar = await loadValid(text.replace('jobs:', 'output: { file: "${job}.mp4" }\njobs:'));
    expect(dollar.jobs[0]!.output).toBe('renders/ad/a.mp4');
    const fromConfig = await loadValid(text, {}, { config: { outputDir: '../shared/${name}' } });
    expect(fromConfig.jobs[0]!.output).toBe('../shared/ad/a.mp4');
  });

  it('refuses two outputs with the same path', async () => {
    const r = await load('version: 1\njobs:\n  v: { prompt: p, matrix: { mood: ["a b", "a-b"] } }\n');
    expect(errors(r)).toEqual(['duplicate-output']);
  });
});

describe('the catalog is data', () => {
  it('accepts a model added through the project config', async () => {
    const text = 'version: 1\njobs:\n  a: { prompt: p, model: v7 }\n';
    expect(codes(await load(text))).toEqual(['unknown-model']);
    const v7 = { ...loadCatalog().models['v6']!, name: 'v7' };
    const m = await loadValid(text, {}, { config: { catalog: { models: { v7 } } } });
    expect(m.jobs[0]!.params.model).toBe('v7');
  });

  it('uses an explicit catalog over the config', async () => {
    const catalog = loadCatalog();
    catalog.voices = [{ speaker_id: '9', name: 'Zed', gender: 'male', language: 'en' }];
    const m = await loadValid('version: 1\njobs:\n  a: { prompt: p }\n  b: { lipsync: { video: a, text: hi, voice: zed } }\n', {}, { catalog });
    expect(m.jobs[1]!.params.speaker_id).toBe('9');
  });
});

describe('robustness', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('a', 'b', 'hero', 'a.1', 'v[k=1]', './x.png', '${x}', '@l', 'Snow Globe', 'Emma', '360p', 'all'),
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -2, max: 10 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...FIELDS), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('never throws on arbitrary job-shaped input: every problem is a diagnostic', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('a', 'b', 'v'), json, { maxKeys: 3 }), json, async (jobs, defaults) => {
        const text = stringify({ version: 1, assets: { hero: './hero.png' }, defaults, jobs, post: [{ concat: ['a'], output: 'x.mp4' }] });
        const r = await load(text, { '/proj/hero.png': 'x' });
        expect(Array.isArray(r.diagnostics)).toBe(true);
        expect(r.manifest !== undefined || r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const ref = fc.constantFrom('a', 'b', 'v', 'v[k=1]', 'v[k=2].1', 'a.1', 'a.0', 'b.3', 'hero', 'beep', './x.png', './gone.mp4', 'nope', '${r}');
  const frameRef = fc.oneof(ref, fc.record({ job: ref, frame: fc.constantFrom('first' as const, 'last' as const) }));
  const settings = fc.record(
    { quality: fc.constantFrom('360p', '720p', '1080p'), duration: fc.constantFrom(5, 8), motion: fc.constantFrom('normal', 'fast'), model: fc.constantFrom('v4', 'v4.5', 'v5', 'v9') },
    { requiredKeys: [] },
  );
  const step = fc.oneof(
    fc.record({ extend: settings }),
    fc.constant({ upscale: {} }),
    fc.record({ restyle: fc.record({ style: fc.constantFrom('anime', 'oil') }) }),
    fc.record({ lipsync: fc.record({ text: fc.constant('hi'), audio: ref }, { requiredKeys: [] }) }),
  );
  const source = fc.oneof(
    fc.record({ prompt: fc.constantFrom('p ${r}', '@l in @m', 'plain'), image: frameRef, effect: fc.constantFrom('Warm Hug', 'Snow Globe', 'Kiss Kiss') }, { requiredKeys: ['prompt'] }),
    fc.record({ frames: fc.record({ first: frameRef, last: frameRef }) }),
    fc.record({ extend: ref }),
    fc.record({ restyle: ref, style: fc.constantFrom('anime', 'clay', 'nope') }),
    fc.record({ fusion: fc.record({ images: fc.dictionary(fc.constantFrom('l', 'm', 'n'), frameRef, { minKeys: 1, maxKeys: 3 }) }), prompt: fc.constant('@l and @m') }),
    fc.record({ transition: fc.array(frameRef, { minLength: 2, maxLength: 4 }), durations: fc.array(fc.constantFrom(5, 8), { minLength: 1, maxLength: 3 }) }, { requiredKeys: ['transition'] }),
    fc.record({ lipsync: fc.record({ video: ref, text: fc.constant('hello'), voice: fc.constantFrom('Emma', 'Nobody') }, { requiredKeys: ['video'] }) }),
    fc.record({ upscale: ref }),
  );
  const wellFormedJob = fc
    .tuple(source, settings, fc.option(fc.array(step, { minLength: 1, maxLength: 2 }), { nil: undefined }), fc.boolean())
    .map(([src, set, then, matrix]) => ({ ...src, ...set, ...(then ? { then } : {}), ...(matrix ? { matrix: { k: [1, 2] } } : {}) }));

  it('never throws on well-formed jobs with arbitrary references: semantics are diagnostics too', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.record({ a: wellFormedJob, b: wellFormedJob, v: wellFormedJob }, { requiredKeys: ['a'] }), async (jobs) => {
        const text = stringify({ version: 1, vars: { r: 'hero' }, assets: { hero: './hero.png', beep: './beep.mp3' }, jobs, post: [{ concat: ['a', 'v'], output: 'x.mp4' }] });
        const r = await load(text, { '/proj/hero.png': 'x', '/proj/beep.mp3': 'x', '/proj/x.png': 'x' });
        for (const d of r.diagnostics) seen.add(d.code);
        expect(r.manifest === undefined).toBe(r.diagnostics.some((d) => d.severity === 'error'));
        for (const d of r.diagnostics) expect(d.location?.range.offset ?? 0).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 300 },
    );
    // The generator reaches the semantic checks, not just the schema.
    for (const code of ['unknown-job', 'matrix-ref', 'cycle', 'missing-asset', 'invalid-combination']) expect(seen).toContain(code);
  });

  it('never throws on arbitrary text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (text) => {
        const r = await load(text);
        expect(r.manifest === undefined).toBe(r.diagnostics.some((d) => d.severity === 'error'));
      }),
      { numRuns: 200 },
    );
  });
});
