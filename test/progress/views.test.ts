import { describe, expect, it } from 'vitest';
import type { RunEvent, RunSummary } from '../../src/events.js';
import { jobId } from '../../src/model.js';
import { formatSummary, ndjsonView, plainView } from '../../src/progress.js';
import { ttyView } from '../../src/progress-tty.js';

const at = '2026-11-24T10:00:00.000Z';
const events: RunEvent[] = [
  { type: 'run-start', at, backend: 'sim', jobs: 2, toRender: 2, credits: 60, slots: 8 },
  { type: 'job', at, id: jobId('a'), state: 'submitting', credits: 30 },
  { type: 'job', at, id: jobId('a'), state: 'rendering', videoId: 'v1', credits: 30 },
  { type: 'retry', at, id: jobId('b'), reason: '429 busy', delayMs: 1500 },
  { type: 'job', at, id: jobId('a'), state: 'done', credits: 30 },
  { type: 'job', at, id: jobId('b'), state: 'failed', message: 'moderated: prompt rejected', credits: 30 },
];

function capture(make: (write: (t: string) => void) => { onEvent(e: RunEvent): void; close(): void }): string {
  let out = '';
  const view = make((t) => (out += t));
  for (const e of events) view.onEvent(e);
  view.close();
  return out;
}

describe('progress views', () => {
  it('plain: one line per meaningful change, no transient states', () => {
    const lines = capture(plainView).trim().split('\n');
    expect(lines).toEqual([
      '10:00:00 2 jobs, 2 to render, 60 credits, 8 slots',
      '10:00:00 a: rendering v1',
      '10:00:00 b: retry in 1.5 s (429 busy)',
      '10:00:00 a: done',
      '10:00:00 b: failed — moderated: prompt rejected',
    ]);
  });

  it('ndjson: every event as one JSON line', () => {
    const lines = capture(ndjsonView).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(events);
  });

  it('tty: redraws its block in place and keeps failures above it', () => {
    const out = capture((w) => ttyView(w, { columns: () => 80, rows: () => 24 }));
    expect(out).toContain('✖ b: moderated: prompt rejected');
    expect(out).toContain('1/2 done · 30 of 60 credits');
    expect(out).toMatch(/✔ done 1/);
  });

  it('summary names failures and the way out of a stop', () => {
    const summary: RunSummary = {
      done: 1, cached: 2, downloaded: 0, failed: 1, skipped: 0, pending: 1, creditsSpent: 30, creditsPlanned: 60,
      stopReason: 'insufficient-credits', failures: [{ id: jobId('b'), reason: 'moderated' }], elapsedSeconds: 3.25,
    };
    const text = formatSummary(summary);
    expect(text).toContain('1 rendered, 2 cached, 1 still rendering, 1 failed · 30 of 60 planned credits spent · 3.3 s');
    expect(text).toContain('✖ b: moderated');
    expect(text).toContain('ran out of credits (412)');
    expect(text).toContain('pixrender status FILE');
  });
});
