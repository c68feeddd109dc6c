import { describe, expect, it } from 'vitest';
import { onAbort } from '../src/abort.js';
import { systemClock } from '../src/clock.js';

describe('waiting on one AbortSignal', () => {
  it('many waiters: one listener on the signal, each waiter called once, a stopped one not at all, no warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const controller = new AbortController();
    const calls: number[] = [];
    const stops = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    stops[7]!();
    const sleeps = Array.from({ length: 50 }, () => systemClock.sleep(60_000, controller.signal).then(() => 'slept', () => 'aborted'));
    controller.abort();
    expect(await Promise.all(sleeps)).toEqual(Array(50).fill('aborted'));
    expect(calls).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 7));
    await new Promise((r) => setTimeout(r, 20));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });

  it('an aborted signal calls at once; no signal never calls', () => {
    let called = 0;
    onAbort(AbortSignal.abort(), () => called++);
    onAbort(undefined, () => called++)();
    expect(called).toBe(1);
  });

  it('a sleep that ends leaves no waiter behind', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 30; i++) await systemClock.sleep(1, controller.signal);
    let called = 0;
    onAbort(controller.signal, () => called++);
    controller.abort();
    expect(called).toBe(1);
  });
});
