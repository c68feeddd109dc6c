/** The three-way lock merge, job by job (the git driver around it is tested in test/output/merge-lock.test.ts). */
import { describe, expect, it } from 'vitest';
import type { LockEntry, LockFile } from '../../src/model.js';
import { jobTable, serializeLock } from '../../src/state/lock-file.js';
import { mergeLocks, mergeLockTexts } from '../../src/state/merge-lock.js';

const entry = (videoId: string, completedAt = '2026-11-01T00:00:00Z', fingerprint = 'f1'): LockEntry =>
  ({ fingerprint, kind: 'create', endpoint: 'videos/create', params: { prompt: 'p' }, videoId, url: `https://x/${videoId}.mp4`, output: `renders/${videoId}.mp4`, sha256: 'ab', size: 1, credits: 20, offPeak: false, submittedAt: completedAt, completedAt }) as unknown as LockEntry;
const lock = (jobs: Record<string, LockEntry>): LockFile => ({ version: 1, jobs: jobTable(Object.entries(jobs)) });
const ids = (l: LockFile) => Object.fromEntries(Object.entries(l.jobs).map(([id, e]) => [id, e.videoId]));

describe('mergeLocks', () => {
  it('takes the side that changed a job, keeps removals made on one side only', () => {
    const base = lock({ a: entry('a0'), b: entry('b0'), gone: entry('g0') });
    const ours = lock({ a: entry('a1'), b: entry('b0') });
    const theirs = lock({ a: entry('a0'), b: entry('b2'), gone: entry('g0'), added: entry('n2') });
    const { lock: merged, choices } = mergeLocks(base, ours, theirs);
    expect(ids(merged)).toEqual({ a: 'a1', added: 'n2', b: 'b2' });
    expect(choices).toEqual([]);
  });

  it('the same job changed on both sides: the render completed last, or the one not removed, is kept and reported', () => {
    const base = lock({ c: entry('c0'), d: entry('d0') });
    const ours = lock({ c: entry('c1', '2026-11-02T00:00:00Z', 'f2') });
    const theirs = lock({ c: entry('c2', '2026-11-03T00:00:00Z', 'f3'), d: entry('d2') });
    const { lock: merged, choices } = mergeLocks(base, ours, theirs);
    expect(ids(merged)).toEqual({ c: 'c2', d: 'd2' });
    expect(choices).toEqual([
      { kind: 'both-rendered', job: 'c', kept: 'theirs', keptVideoId: 'c2', droppedVideoId: 'c1', sameRequest: false },
      { kind: 'removed-and-rendered', job: 'd', kept: 'theirs', keptVideoId: 'd2' },
    ]);
  });

  it('cannot decide on an unreadable side; an empty base is no base', () => {
    const good = serializeLock(lock({ a: entry('a1') }));
    expect(mergeLockTexts({ base: '', ours: good, theirs: good })).toMatchObject({ ok: true, choices: [] });
    const r = mergeLockTexts({ base: '', ours: good, theirs: '{"version": 2, "jobs": {}}' });
    expect(r).toMatchObject({ ok: false, problems: [{ side: 'theirs' }] });
  });
});
