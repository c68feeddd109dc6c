/** Job ids that are Object.prototype names are ordinary keys of the lock and of journal replay. */
import { describe, expect, it } from 'vitest';
import { emptyLock, mergeCompletions, parseLock, serializeLock } from '../../src/state/lock-file.js';
import { replay } from '../../src/state/replay.js';
import { entry, intent } from './builders.js';

const IDS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString'];

describe('prototype-named job ids', () => {
  it('survive a lock file round trip, and unknown ones are absent', () => {
    const lock = mergeCompletions(emptyLock(), new Map(IDS.map((id) => [id, entry({ videoId: id })])));
    const parsed = parseLock(serializeLock(lock));
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    for (const id of IDS) {
      expect(Object.hasOwn(parsed.lock.jobs, id), id).toBe(true);
      expect(parsed.lock.jobs[id]?.videoId).toBe(id);
    }
    expect(emptyLock().jobs.constructor).toBeUndefined();
    expect(emptyLock().jobs.toString).toBeUndefined();
  });

  it('replay opens and completes their attempts like any other', () => {
    const state = replay([...IDS.map((id, i) => intent(id, `r${i}`))], emptyLock());
    expect([...state.pending.keys()].sort()).toEqual([...IDS].sort());
    const done = replay([{ type: 'completed', job: '__proto__' as never, fingerprint: entry().fingerprint, entry: entry(), at: entry().completedAt }], emptyLock());
    expect(Object.hasOwn(done.lock.jobs, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(done.lock.jobs)).toBeNull();
  });
});
