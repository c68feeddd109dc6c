/** ETAs that hold: corrected by the renders finished in the run, none for a job downloading, "due" past it. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EtaTracker } from '../../src/eta.js';
import type { JobOutcome, RunEvent } from '../../src/events.js';
import { jobId } from '../../src/model.js';
import { ttyView } from '../../src/progress-tty.js';

describe('EtaTracker', () => {
  it('an off-peak batch expected at 73 s that comes back in 15 s shows the rest at that pace', () => {
    const eta = new EtaTracker();
    eta.start('a', 73, 0);
    eta.start('b', 73, 0);
    expect(eta.remaining('b', 5_000)).toBeCloseTo(68);
    eta.stop('a', 15_000, true);
    // b has rendered 15 s of a job that now looks like 15 s: due.
    expect(eta.remaining('b', 15_000)).toBeCloseTo(0);
    eta.start('c', 73, 15_000);
    expect(eta.remaining('c', 15_000)).toBeCloseTo(15);
    // Two jobs not started on 2 slots: one more wave of ~15 s after the longest in flight.
    expect(eta.overall(15_000, 2, 2)).toBeCloseTo(30);
  });

  it('a failed or stopped render does not correct the estimate; no ETA once nothing is left', () => {
    const eta = new EtaTracker();
    eta.start('a', 60, 0);
    eta.stop('a', 1_000, false);
    expect(eta.ratio()).toBe(1);
    expect(eta.overall(1_000, 0, 4)).toBeUndefined();
  });
});

describe('live view', () => {
  afterEach(() => vi.useRealTimers());
  it('a downloading job shows no (stale) ETA; a rendering one does', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-24T10:00:00Z') });
    const at = '2026-11-24T10:00:00.000Z';
    let frames = '';
    const view = ttyView((t) => (frames += t), { columns: () => 60, rows: () => 24 });
    const events: RunEvent[] = [
      { type: 'run-start', at, backend: 'sim', jobs: 2, toRender: 2, credits: 40, slots: 2 },
      { type: 'job', at, id: jobId('a'), state: 'rendering', videoId: 'v1', credits: 20, etaSeconds: 73 },
      { type: 'job', at, id: jobId('b'), state: 'rendering', videoId: 'v2', credits: 20, etaSeconds: 73 },
    ];
    for (const e of events) view.onEvent(e);
    vi.advanceTimersByTime(10_000);
    view.onEvent({ type: 'job', at, id: jobId('a'), state: 'downloading', credits: 20 });
    frames = '';
    vi.advanceTimersByTime(1_000);
    view.close();
    const lines = frames.replace(/\x1b\[\??[\d;]*[A-Za-z]/g, '').split('\n');
    expect(lines.filter((l) => / a downloading/.test(l)).at(-1)).toMatch(/a downloading \d+ s$/);
    // b had 63 s left, and a's render took 10 s of 73: b is corrected to due.
    expect(lines.filter((l) => / b rendering/.test(l)).at(-1)).toMatch(/b rendering 11 s due now$/);
    expect(lines.filter((l) => /done ·/.test(l)).at(-1)).toMatch(/^0\/2 done · 40 of 40 credits · 11 s/);
  });
});

describe('summary counts', () => {
  it('SKIPPED_FAILURES lists exactly the outcomes disposition() makes skipped failures', async () => {
    const { disposition } = await import('../../src/execute/outcome.js');
    const { SKIPPED_FAILURES } = await import('../../src/progress.js');
    const samples: JobOutcome[] = [
      { kind: 'input-failed', input: jobId('x'), stillRendering: false },
      { kind: 'input-failed', input: jobId('x'), stillRendering: true },
      { kind: 'no-slot' },
      { kind: 'no-credits' },
      { kind: 'over-budget', limit: 1, committed: 1, estimate: 1 },
      { kind: 'interrupted' },
      { kind: 'not-submitted' },
      { kind: 'api-rejected', error: 'e', message: 'm' },
      { kind: 'render-failed', status: 7, result: 'moderated' },
      { kind: 'unknown-outcome', candidates: [], detail: '' },
      { kind: 'download-failed', message: '', recorded: false },
      { kind: 'local-failed', message: '' },
      { kind: 'pending', videoId: 'v', reason: 'no-wait' },
      { kind: 'bug', message: '' },
    ];
    for (const o of samples) {
      const d = disposition(o);
      // Only failures reach summary.failures; among them, these are the skipped ones.
      if (d.failure) expect(SKIPPED_FAILURES.has(o.kind), o.kind).toBe(d.state === 'skipped');
    }
  });
});
