/** The write-finish check on a fake clock and fake file stats. */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { changedBetween, signatures, waitUntilSettled, type FileSignature } from '../../src/watch/stability.js';

/** Files whose stats the test sets; each sleep moves the fake time and runs `onSleep` (a copy going on). */
function fakeFs(now = 10_000) {
  const files = new Map<string, FileSignature>();
  const sleeps: number[] = [];
  let onSleep: (() => void) | undefined;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      onSleep?.();
    },
  };
  return {
    clock,
    sleeps,
    stat: async (f: string) => files.get(f),
    set: (f: string, size: number, age = 0) => files.set(f, { size, mtimeMs: now - age }),
    whileSleeping: (fn: () => void) => (onSleep = fn),
  };
}

describe('waitUntilSettled', () => {
  it('returns at once for files modified longer ago than the settle time', async () => {
    const fs = fakeFs();
    fs.set('/a.png', 10, 600);
    await waitUntilSettled(['/a.png'], { settleMs: 500, clock: fs.clock, stat: fs.stat });
    expect(fs.sleeps).toEqual([]);
  });

  it('waits out the rest of the settle time for a file just written', async () => {
    const fs = fakeFs();
    fs.set('/a.png', 10, 200);
    await waitUntilSettled(['/a.png'], { settleMs: 500, clock: fs.clock, stat: fs.stat });
    expect(fs.sleeps).toEqual([300]);
  });

  it('keeps waiting while a copy goes on growing the file', async () => {
    const fs = fakeFs();
    let size = 1000;
    fs.set('/clip.mp4', size);
    fs.whileSleeping(() => {
      if (size < 4000) fs.set('/clip.mp4', (size += 1000)); // still copying
    });
    await waitUntilSettled(['/clip.mp4'], { settleMs: 500, clock: fs.clock, stat: fs.stat });
    expect(fs.sleeps).toEqual([500, 500, 500, 500]);
  });

  it('accepts a file whose mtime is in the future once it stayed the same over a wait', async () => {
    const fs = fakeFs();
    fs.set('/a.png', 10, -60_000);
    await waitUntilSettled(['/a.png'], { settleMs: 500, clock: fs.clock, stat: fs.stat });
    expect(fs.sleeps).toEqual([500]);
  });

  it('stops waiting when the signal aborts', async () => {
    const fs = fakeFs();
    fs.set('/a.png', 10);
    const controller = new AbortController();
    const clock: Clock = { now: fs.clock.now, sleep: async (_ms, signal) => Promise.reject(signal?.reason) };
    controller.abort(new Error('newer change'));
    await expect(waitUntilSettled(['/a.png'], { settleMs: 500, clock, stat: fs.stat, signal: controller.signal })).rejects.toThrow('newer change');
  });
});

describe('signatures', () => {
  it('tells which files changed between two looks', async () => {
    const fs = fakeFs();
    fs.set('/a.yaml', 10);
    fs.set('/b.png', 20);
    const before = await signatures(['/a.yaml', '/b.png', '/gone.png'], fs.stat);
    fs.set('/b.png', 21);
    const after = await signatures(['/a.yaml', '/b.png', '/gone.png'], fs.stat);
    expect(changedBetween(before, after)).toEqual(['/b.png']);
    expect(before.get('/gone.png')).toBe('missing');
  });
});
