import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LockEntry } from '../../src/model.js';
import { canonicalJson, mergeCompletions, parseLock, portableOutputPath, serializeLock, withPortablePaths } from '../../src/state/lock-file.js';
import { entry, fp } from './builders.js';

describe('serializeLock', () => {
  it('writes sorted keys at every level, 2-space indentation and a trailing newline', () => {
    const text = serializeLock({ version: 1, jobs: { outro: entry({ params: { z: 1, a: 'x' } }), intro: entry() } });
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.indexOf('"intro"')).toBeLessThan(text.indexOf('"outro"'));
    expect(text.indexOf('"a": "x"')).toBeLessThan(text.indexOf('"z": 1'));
    expect(text.startsWith('{\n  "jobs": {\n    "intro": {\n      "completedAt"')).toBe(true);
    expect(JSON.parse(text)).toEqual({ version: 1, jobs: { intro: entry(), outro: entry({ params: { z: 1, a: 'x' } }) } });
  });

  it('sorts integer-like job ids as strings too', () => {
    const text = serializeLock({ version: 1, jobs: { '9': entry(), '10': entry(), b: entry() } });
    const order = ['"10"', '"9"', '"b"'].map((key) => text.indexOf(key));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('gives the same bytes whatever the insertion order', () => {
    const jobsArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.record({ prompt: fc.string(), seed: fc.integer(), hd: fc.boolean() }), { maxKeys: 8 });
    const casesArb = jobsArb.chain((jobs) =>
      fc.tuple(fc.constant(jobs), fc.shuffledSubarray(Object.keys(jobs), { minLength: Object.keys(jobs).length }), fc.boolean()),
    );
    fc.assert(
      fc.property(casesArb, ([jobs, order, reverseParams]) => {
        const build = (ids: string[], reverse: boolean) => {
          const result: Record<string, LockEntry> = {};
          for (const id of ids) {
            const params = Object.entries(jobs[id]!);
            result[id] = entry({ params: Object.fromEntries(reverse ? params.reverse() : params) });
          }
          return serializeLock({ version: 1, jobs: result });
        };
        expect(build(order, reverseParams)).toBe(build(Object.keys(jobs), false));
      }),
    );
  });

  it('matches JSON.stringify for ordinary values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(canonicalJson({ b: [1, { d: null, c: [] }], a: {} })).toBe(JSON.stringify({ a: {}, b: [1, { c: [], d: null }] }, null, 2));
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('parseLock', () => {
  it('reads back what serializeLock wrote', () => {
    const lock = { version: 1 as const, jobs: { intro: entry(), 'shot[k=v]': entry({ seed: undefined }) } };
    const parsed = parseLock(serializeLock(lock));
    expect(parsed).toEqual({ ok: true, lock: JSON.parse(JSON.stringify(lock)) });
  });

  it('explains merge conflicts, bad JSON, versions and bad entries', () => {
    const conflict = `{\n<<<<<<< HEAD\n  "version": 1,\n=======\n>>>>>>> other\n}\n`;
    expect(parseLock(conflict)).toEqual({ ok: false, problems: [expect.stringContaining('merge conflict')] });
    expect(parseLock('{"version": 1, "jobs": {')).toEqual({ ok: false, problems: [expect.stringContaining('not valid JSON')] });
    expect(parseLock('{"version": 2, "jobs": {}}')).toEqual({ ok: false, problems: [expect.stringContaining('version 2')] });
    const bad = { version: 1, jobs: { intro: { ...entry(), size: '12' }, outro: entry() } };
    expect(parseLock(JSON.stringify(bad))).toEqual({ ok: false, problems: ['job "intro": "size" should be a number'] });
  });
});

describe('paths', () => {
  it('stores outputs relative to the manifest directory with forward slashes', () => {
    expect(portableOutputPath('/work/proj/renders/a.mp4', '/work/proj')).toBe('renders/a.mp4');
    expect(portableOutputPath('/elsewhere/a.mp4', '/work/proj')).toBe('../../elsewhere/a.mp4');
    expect(portableOutputPath('renders\\sub\\a.mp4', '/work/proj')).toBe('renders/sub/a.mp4');
    expect(portableOutputPath('renders/a.mp4', '/work/proj')).toBe('renders/a.mp4');
    const lock = withPortablePaths({ version: 1, jobs: { a: entry({ output: '/work/proj/out/a.mp4' }) } }, '/work/proj');
    expect(lock.jobs.a?.output).toBe('out/a.mp4');
  });
});

describe('mergeCompletions', () => {
  it('keeps the entry that completed last, with ties going to the journal', () => {
    const onDisk = { version: 1 as const, jobs: { a: entry({ videoId: 'disk-a', completedAt: '2025-01-02T00:00:00Z' }), b: entry({ videoId: 'disk-b' }) } };
    const merged = mergeCompletions(
      onDisk,
      new Map([
        ['a', entry({ videoId: 'journal-a', completedAt: '2025-01-01T00:00:00Z' })],
        ['b', entry({ videoId: 'journal-b', fingerprint: fp(2) })],
        ['c', entry({ videoId: 'journal-c' })],
      ]),
    );
    expect(Object.fromEntries(Object.entries(merged.jobs).map(([id, e]) => [id, e.videoId]))).toEqual({ a: 'disk-a', b: 'journal-b', c: 'journal-c' });
  });
});
