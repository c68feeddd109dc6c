/** The watch state machine on fake timers: every transition driven by the test, no real time. */
import { describe, expect, it } from 'vitest';
import { WatchLoop, type LoopStateName } from '../../src/watch/machine.js';
import { FakeTimers, flush } from './helpers.js';

interface Call {
  signal: AbortSignal;
  changed: string[];
  finish(): void;
  fail(error: Error): void;
}

/** A loop whose cycles stay open until the test finishes them. */
function harness(debounceMs = 200) {
  const timers = new FakeTimers();
  const calls: Call[] = [];
  const states: LoopStateName[] = [];
  const superseded: string[][] = [];
  const errors: unknown[] = [];
  const loop = new WatchLoop({
    debounceMs,
    timers,
    cycle: (signal, changed) =>
      new Promise<void>((resolve, reject) => calls.push({ signal, changed, finish: resolve, fail: reject })),
    onState: (s) => states.push(s),
    onSuperseded: (files) => superseded.push(files),
    onError: (e) => errors.push(e),
  });
  return { loop, timers, calls, states, superseded, errors };
}

describe('WatchLoop', () => {
  it('renders at once on start, then waits for changes', async () => {
    const h = harness();
    h.loop.start();
    await flush();
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.changed).toEqual([]);
    expect(h.loop.stateName).toBe('running');
    h.calls[0]!.finish();
    await flush();
    expect(h.loop.stateName).toBe('watching');
    expect(h.states).toEqual(['running', 'watching']);
  });

  it('collapses a burst of changes into one run, after the debounce', async () => {
    const h = harness(200);
    h.loop.start();
    await flush();
    h.calls[0]!.finish();
    await flush();

    for (const file of ['a.yaml', 'b.png', 'a.yaml', 'c.png', 'a.yaml']) {
      h.loop.change(file);
      h.timers.advance(150); // each change comes before the previous debounce elapsed
    }
    await flush();
    expect(h.loop.stateName).toBe('debouncing');
    expect(h.calls).toHaveLength(1);
    expect(h.timers.count).toBe(1); // restarted, never stacked

    h.timers.advance(50);
    await flush();
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]!.changed.sort()).toEqual(['a.yaml', 'b.png', 'c.png']);
    h.calls[1]!.finish();
    await flush();
    expect(h.loop.stateName).toBe('watching');
    h.timers.advance(10_000);
    await flush();
    expect(h.calls).toHaveLength(2);
  });

  it('a change during a run aborts it and queues exactly one re-run, started once the run has settled', async () => {
    const h = harness(200);
    h.loop.start();
    await flush();
    const first = h.calls[0]!;

    h.loop.change('a.yaml');
    expect(first.signal.aborted).toBe(true);
    expect(h.loop.stateName).toBe('queued');
    expect(h.superseded).toEqual([['a.yaml']]);
    h.loop.change('b.png');
    h.loop.change('a.yaml');
    h.timers.advance(1000); // quiet long enough, but the aborted run has not settled yet
    await flush();
    expect(h.calls).toHaveLength(1);
    expect(h.loop.stateName).toBe('queued');

    first.finish();
    await flush();
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1]!.signal.aborted).toBe(false);
    expect(h.calls[1]!.changed.sort()).toEqual(['a.yaml', 'b.png']);
    h.calls[1]!.finish();
    await flush();
    h.timers.advance(1000);
    await flush();
    expect(h.calls).toHaveLength(2);
    expect(h.states).toEqual(['running', 'queued', 'running', 'watching']);
  });

  it('when the aborted run settles before the changes go quiet, the re-run waits for the debounce', async () => {
    const h = harness(200);
    h.loop.start();
    await flush();
    h.loop.change('a.yaml');
    h.calls[0]!.finish();
    await flush();
    expect(h.loop.stateName).toBe('debouncing');
    h.loop.change('a.yaml'); // still saving
    h.timers.advance(199);
    await flush();
    expect(h.calls).toHaveLength(1);
    h.timers.advance(1);
    await flush();
    expect(h.calls).toHaveLength(2);
  });

  it('stop during a run aborts it, waits until it settles and reports it interrupted', async () => {
    const h = harness();
    h.loop.start();
    await flush();
    let stopped = false;
    const stopping = h.loop.stop().then((r) => ((stopped = true), r));
    await flush();
    expect(h.calls[0]!.signal.aborted).toBe(true);
    expect(h.loop.stateName).toBe('stopping');
    expect(stopped).toBe(false);
    h.loop.change('a.yaml'); // ignored from now on
    h.calls[0]!.finish();
    expect(await stopping).toEqual({ interrupted: true });
    expect(h.loop.stateName).toBe('stopped');
    h.timers.advance(1000);
    await flush();
    expect(h.calls).toHaveLength(1);
  });

  it('stop while debouncing cancels the pending run', async () => {
    const h = harness();
    h.loop.start();
    await flush();
    h.calls[0]!.finish();
    await flush();
    h.loop.change('a.yaml');
    expect(await h.loop.stop()).toEqual({ interrupted: false });
    h.timers.advance(1000);
    await flush();
    expect(h.calls).toHaveLength(1);
    expect(h.timers.count).toBe(0);
  });

  it('a cycle that throws is reported and the loop keeps watching', async () => {
    const h = harness();
    h.loop.start();
    await flush();
    h.calls[0]!.fail(new Error('disk full'));
    await flush();
    expect((h.errors[0] as Error).message).toBe('disk full');
    expect(h.loop.stateName).toBe('watching');
    h.loop.change('a.yaml');
    h.timers.advance(200);
    await flush();
    expect(h.calls).toHaveLength(2);
  });

  it('whenIdle resolves only when nothing is running or queued', async () => {
    const h = harness();
    h.loop.start();
    await flush();
    let idle = false;
    void h.loop.whenIdle().then(() => (idle = true));
    h.loop.change('a.yaml');
    h.calls[0]!.finish();
    await flush();
    expect(idle).toBe(false); // debouncing the queued change
    h.timers.advance(200);
    await flush();
    h.calls[1]!.finish();
    await flush();
    expect(idle).toBe(true);
  });

  it('refuses a negative debounce with a TypeError naming the value', () => {
    expect(() => new WatchLoop({ debounceMs: -1, cycle: async () => {} })).toThrow(/debounceMs must be a number ≥ 0, got -1 \(number\)/);
  });
});
