import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, describeChange, fingerprintRecord, hashRecord } from '../../src/fingerprint.js';
import { dependentsClosure } from '../../src/graph.js';
import { jobId, type InputRef, type JobId, type ResolvedJob } from '../../src/model.js';
import { asset, create, frame, graphOf, hashesFor, job, manifest, video } from './builders.js';

const shuffled = <T>(xs: T[], seed: number): T[] => {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};
const reorder = <V>(o: Record<string, V>, seed: number): Record<string, V> => Object.fromEntries(shuffled(Object.entries(o), seed));

const paramValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const params = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), paramValue, { maxKeys: 12 });

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('fingerprint', () => {
  it('does not depend on the key order of params or inputs', () => {
    fc.assert(
      fc.property(params, fc.nat(), (p, seed) => {
        const inputs: Record<string, InputRef> = { first_frame_path: asset('hero'), last_frame_path: asset('cup'), audio_path: asset('jingle', './a.mp3') };
        const a = create('x', p, inputs);
        const b = { ...a, params: reorder(a.params, seed), inputs: reorder(inputs, seed + 1) };
        const hashes = hashesFor(manifest([a]));
        const fp = (j: ResolvedJob) => hashRecord(fingerprintRecord(j, (f) => hashes.get(f), () => undefined).record);
        expect(fp(b)).toBe(fp(a));
      }),
    );
  });

  it('ignores the off-peak policy, the output path, asset paths and names; not their content', () => {
    const base = create('x', {}, { first_frame_path: asset('hero') });
    const g = (j: ResolvedJob, hashes?: Map<string, string>) => graphOf(manifest([j]), hashes).nodes[0]!.fingerprint;
    const fp = g(base);
    expect(g({ ...base, offPeak: 'always' })).toBe(fp);
    expect(g({ ...base, params: { ...base.params, off_peak_mode: true } })).toBe(fp);
    expect(g({ ...base, output: 'elsewhere/x.mp4' })).toBe(fp);
    const moved = { ...base, inputs: { first_frame_path: asset('still', 'C:\\other\\place.png') } };
    expect(g(moved, new Map([['C:\\other\\place.png', 'sha-of-./images/hero.png']]))).toBe(fp);
    expect(g(base, new Map([['./images/hero.png', 'another-sha']]))).not.toBe(fp);
    expect(g({ ...base, params: { ...base.params, seed: 8 } })).not.toBe(fp);
    expect(g({ ...base, kind: 'frames' })).not.toBe(fp);
  });

  it('tells a video input from a frame input of the same job', () => {
    const fps = (ref: InputRef) => graphOf(manifest([create('a'), job('b', 'extend', { prompt: 'p' }, { video_id: ref })])).byId.get(jobId('b'))!.fingerprint;
    expect(fps(video('a'))).not.toBe(fps(frame('a', 'last')));
    expect(fps(frame('a', 'first'))).not.toBe(fps(frame('a', 'last')));
  });

  /** A random DAG: job i may use any job before it. */
  const dag = fc.integer({ min: 1, max: 14 }).chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
      fc.nat({ max: n - 1 }),
      fc.constantFrom('prompt', 'seed', 'quality', 'asset'),
    ),
  );

  it('changing one field of one job changes exactly that job and its transitive dependents', () => {
    fc.assert(
      fc.property(dag, ([n, rawDeps, changed, field]) => {
        const deps = rawDeps.map((ds, i) => (i === 0 ? [] : [...new Set(ds.map((d) => d % i))]));
        const build = (change: boolean) =>
          [...Array(n).keys()].map((i) => {
            const inputs: Record<string, InputRef> = { first_frame_path: asset(`img${i}`) };
            deps[i]!.forEach((d, k) => (inputs[`frame_${k + 1}_path`] = frame(`j${d}`, 'last')));
            const j = job(`j${i}`, 'create', { prompt: `p${i}`, seed: i, quality: '540p' }, inputs);
            if (!change || i !== changed || field === 'asset') return j;
            return { ...j, params: { ...j.params, [field]: field === 'seed' ? 99_999 : `${String(j.params[field])}!` } };
          });
        const before = manifest(build(false));
        const after = manifest(build(true));
        const overrides = field === 'asset' ? { [`./images/img${changed}.png`]: 'changed' } : {};
        const g1 = graphOf(before);
        const g2 = graphOf(after, hashesFor(after, overrides));
        // Expected: reachability computed naively from the dependency lists, independent of graph.ts.
        const expected = new Set<number>([changed]);
        for (let i = 0; i < n; i++) if (deps[i]!.some((d) => expected.has(d))) expected.add(i);
        const differing = [...Array(n).keys()].filter((i) => g1.byId.get(jobId(`j${i}`))!.fingerprint !== g2.byId.get(jobId(`j${i}`))!.fingerprint);
        expect(new Set(differing)).toEqual(expected);
        expect(new Set([...dependentsClosure(g1, [jobId(`j${changed}`)])])).toEqual(new Set([...expected].map((i) => `j${i}` as JobId)));
      }),
    );
  });
});

describe('describeChange', () => {
  const refs = { first_frame_path: asset('hero', './images/hero.png'), video_id: video('intro') };
  it('names changed, added and removed params, with short values', () => {
    expect(describeChange({ params: { prompt: 'a cat walks', duration: 5 } }, { params: { prompt: 'a dog walks', duration: 8 } })).toBe('prompt changed, duration changed (5 → 8)');
    expect(describeChange({ params: { quality: '540p', seed: 1 } }, { params: { quality: '720p', style: 'anime' } })).toBe('quality changed (540p → 720p), seed removed, style added');
    expect(describeChange({ kind: 'create', params: {} }, { kind: 'frames', params: {} })).toBe('kind changed (create → frames)');
    expect(describeChange({ params: { prompt: 'x', off_peak_mode: false } }, { params: { prompt: 'x', off_peak_mode: true } })).toBeUndefined();
  });
  it('names changed inputs when both sides record them', () => {
    const before = { params: {}, inputs: { first_frame_path: { asset: 'aaa' }, video_id: { job: 'f1' as never } } };
    const after = { params: {}, inputs: { first_frame_path: { asset: 'bbb' }, video_id: { job: 'f2' as never } } };
    expect(describeChange(before, after, refs)).toBe('image hero.png content changed, upstream intro changed');
    expect(describeChange(before, before, refs)).toBeUndefined();
  });
});
