import { describe, expect, it } from 'vitest';
import { emptyLock } from '../../src/state/lock-file.js';
import { replay } from '../../src/state/replay.js';
import type { JournalRecord } from '../../src/state/store.js';
import { abandoned, completed, entry, failed, fp, intent, submitted, upload } from './builders.js';

const run = (...records: JournalRecord[]) => replay(records, emptyLock());

describe('replay', () => {
  it('an intent alone is pending with an unknown outcome (no video id)', () => {
    const state = run(intent('a', 'r1'));
    expect([...state.pending.values()]).toEqual([
      { job: 'a', fingerprint: fp(1), replyRef: 'r1', endpoint: 'videos/create', credits: 45, offPeak: true, since: '2025-01-01T00:00:00.000Z' },
    ]);
    expect(state.keep).toEqual([0]);
  });

  it('a submitted job is pending with its video id, to poll and never resubmit', () => {
    const state = run(intent('a', 'r1'), submitted('a', 'r1', 'v1'));
    expect(state.pending.get('a')).toMatchObject({ replyRef: 'r1', videoId: 'v1', endpoint: 'videos/create', credits: 45, submittedAt: '2025-01-01T00:01:00.000Z' });
    expect(state.keep).toEqual([0, 1]);
  });

  it('a completion becomes a lock entry and settles the job', () => {
    const state = run(intent('a', 'r1'), submitted('a', 'r1', 'v1'), completed('a', entry({ videoId: 'v1' })));
    expect(state.pending.size).toBe(0);
    expect(state.lock.jobs.a?.videoId).toBe('v1');
    expect(state.keep).toEqual([]);
  });

  it('a failure settles the job and is remembered until the next intent', () => {
    const failedState = run(intent('a', 'r1'), submitted('a', 'r1', 'v1'), failed('a', 'moderation', 3, 422));
    expect(failedState.pending.size).toBe(0);
    expect(failedState.failed.get('a')).toEqual({ fingerprint: fp(1), reason: 'moderation', status: 422, at: '2025-01-01T00:03:00.000Z' });
    const retried = run(intent('a', 'r1'), failed('a', 'x'), intent('a', 'r2', 4));
    expect(retried.failed.size).toBe(0);
    expect(retried.pending.get('a')?.replyRef).toBe('r2');
  });

  it('an abandoned intent leaves nothing pending', () => {
    const state = run(intent('a', 'r1'), abandoned('a', '429 busy'), intent('a', 'r2', 2), submitted('a', 'r2', 'v2', 3));
    expect([...state.pending.values()].map((p) => [p.replyRef, p.videoId])).toEqual([['r2', 'v2']]);
    expect(state.superseded).toEqual([]);
    expect(state.keep).toEqual([2, 3]);
  });

  it('never forgets an attempt replaced by a newer intent before it was settled', () => {
    const state = run(intent('a', 'r1'), submitted('a', 'r1', 'v1'), intent('a', 'r2', 2, 2));
    expect(state.pending.get('a')?.replyRef).toBe('r2');
    expect(state.superseded.map((p) => [p.replyRef, p.videoId])).toEqual([['r1', 'v1']]);
    // A settling record naming r1 settles the older attempt, not the current one.
    const settled = run(intent('a', 'r1'), submitted('a', 'r1', 'v1'), intent('a', 'r2', 2, 2), abandoned('a', 'gone', 3, 'r1'));
    expect(settled.superseded).toEqual([]);
    expect(settled.pending.get('a')?.replyRef).toBe('r2');
    // Without a replyRef, the fingerprint picks the attempt.
    const byFingerprint = run(intent('a', 'r1'), intent('a', 'r2', 2, 2), completed('a', entry({ fingerprint: fp(1) })));
    expect(byFingerprint.superseded).toEqual([]);
    expect(byFingerprint.pending.get('a')?.replyRef).toBe('r2');
  });

  it('keeps a submitted record whose intent is missing as a pending job', () => {
    const state = run(submitted('a', 'r1', 'v1'));
    expect(state.pending.get('a')).toMatchObject({ videoId: 'v1', endpoint: '', credits: 0 });
  });

  it('keeps the latest upload per content hash', () => {
    const state = run(upload('h1', 'upload/old.png', 0), upload('h2', 'upload/b.png', 1), upload('h1', 'upload/new.png', 2));
    expect(Object.fromEntries(state.uploads)).toMatchObject({ h1: { path: 'upload/new.png' }, h2: { path: 'upload/b.png' } });
    expect(Date.parse(state.uploads.get('h1')!.at!)).toBeGreaterThan(Date.parse(state.uploads.get('h2')!.at!));
    expect(state.keep).toEqual([1, 2]);
  });

  it('merges journal completions with the lock on disk, the newest completion winning', () => {
    const onDisk = { version: 1 as const, jobs: { a: entry({ videoId: 'old', completedAt: '2024-12-01T00:00:00Z' }), b: entry({ videoId: 'kept' }) } };
    const state = replay([completed('a', entry({ videoId: 'new', completedAt: '2025-01-05T00:00:00Z' }))], onDisk);
    expect(state.lock.jobs.a?.videoId).toBe('new');
    expect(state.lock.jobs.b?.videoId).toBe('kept');
    expect(state.completions.get('a')?.videoId).toBe('new');
  });

  it('lets a later completion of the same job replace an earlier one', () => {
    const state = run(completed('a', entry({ videoId: 'first' })), intent('a', 'r2', 3), completed('a', entry({ videoId: 'second', completedAt: '2025-01-01T00:09:00.000Z' }), 9));
    expect(state.lock.jobs.a?.videoId).toBe('second');
    expect(state.pending.size).toBe(0);
  });
});
