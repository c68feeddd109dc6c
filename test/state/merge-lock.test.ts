/** The three-way lock merge, job by job (the git driver around it is tested in test/output/merge-lock.test.ts). */
import { describe, expect, it } from 'vitest';
import type { LockEntry, LockFile } from '../../src/model.js';
import { jobTable, mergeCompletions, parseLock, serializeLock } from '../../src/state/lock-file.js';
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
    expect(merged.jobs['c']!.mergeConflict).toEqual({ kept: 'theirs', droppedVideoId: 'c1' });
    expect(merged.jobs['d']!.mergeConflict).toBeUndefined();
    expect(choices).toEqual([
      { kind: 'both-rendered', job: 'c', kept: 'theirs', keptVideoId: 'c2', droppedVideoId: 'c1', sameRequest: false },
      { kind: 'removed-and-rendered', job: 'd', kept: 'theirs', keptVideoId: 'd2' },
    ]);
  });

  it('two renders of the same request: the kept one stands unmarked', () => {
    const { lock: merged, choices } = mergeLocks(lock({}), lock({ c: entry('c1', '2026-11-02T00:00:00Z') }), lock({ c: entry('c2', '2026-11-01T00:00:00Z') }));
    expect(ids(merged)).toEqual({ c: 'c1' });
    expect(merged.jobs['c']!.mergeConflict).toBeUndefined();
    expect(choices).toMatchObject([{ kind: 'both-rendered', kept: 'ours', sameRequest: true }]);
  });

  it('the conflict mark survives writing, reading and the journal completion of the same video; a new render clears it', () => {
    const { lock: merged } = mergeLocks(lock({}), lock({ c: entry('c1', '2026-11-02T00:00:00Z', 'f2') }), lock({ c: entry('c2', '2026-11-01T00:00:00Z', 'f3') }));
    const read = parseLock(serializeLock(merged));
    expect(read.ok && read.lock.jobs['c']!.mergeConflict).toEqual({ kept: 'ours', droppedVideoId: 'c2' });
    const again = mergeCompletions(merged, new Map([['c', entry('c1', '2026-11-02T00:00:00Z', 'f2')]]));
    expect(again.jobs['c']!.mergeConflict).toEqual({ kept: 'ours', droppedVideoId: 'c2' });
    const rerendered = mergeCompletions(merged, new Map([['c', entry('c3', '2026-11-04T00:00:00Z', 'f2')]]));
    expect(rerendered.jobs['c']!.videoId).toBe('c3');
    expect(rerendered.jobs['c']!.mergeConflict).toBeUndefined();
    const bad = parseLock(JSON.stringify({ version: 1, jobs: { c: { ...entry('c1'), mergeConflict: { kept: 'both' } } } }));
    expect(bad).toMatchObject({ ok: false, problems: [expect.stringMatching(/mergeConflict/)] });
  });

  it('cannot decide on an unreadable side; an empty base is no base', () => {
    const good = serializeLock(lock({ a: entry('a1') }));
    expect(mergeLockTexts({ base: '', ours: good, theirs: good })).toMatchObject({ ok: true, choices: [] });
    const r = mergeLockTexts({ base: '', ours: good, theirs: '{"version": 2, "jobs": {}}' });
    expect(r).toMatchObject({ ok: false, problems: [{ side: 'theirs' }] });
  });
});
