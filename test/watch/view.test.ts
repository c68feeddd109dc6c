/** How watch events read: exact lines for a few, NDJSON shape, and live-view friendliness. */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events.js';
import { jobId } from '../../src/model.js';
import type { ProgressView } from '../../src/progress.js';
import type { SessionEvent } from '../../src/watch/events.js';
import { ndjsonSessionView, textSessionView } from '../../src/watch/view.js';

const AT = '2026-06-01T10:00:00.000Z';

function text(events: SessionEvent[]) {
  const out: string[] = [];
  const err: string[] = [];
  const runEvents: RunEvent[] = [];
  const runView = (): ProgressView => ({ onEvent: (e) => runEvents.push(e), close: () => {} });
  const view = textSessionView({ out: (t) => out.push(t), err: (t) => err.push(t), runView, cwd: '/p' });
  for (const e of events) view.onEvent(e);
  return { out: out.join(''), err: err.join(''), runEvents };
}

const summary = { done: 2, cached: 1, downloaded: 0, failed: 0, skipped: 0, pending: 0, creditsSpent: 40, creditsPlanned: 40, failures: [], elapsedSeconds: 1.5 };

describe('text session view', () => {
  it('prints what a change renders and costs, and then what is watched', () => {
    const { err } = text([
      { type: 'change', at: AT, files: ['/p/teaser.yaml'], first: false },
      { type: 'plan', at: AT, first: false, jobs: [jobId('intro'), jobId('intro.1')], cached: 1, download: 0, credits: 60, sessionSpent: 0 },
      { type: 'idle', at: AT, files: 5, sessionSpent: 60, budget: 500 },
    ]);
    expect(err).toBe(
      'change detected (teaser.yaml): 2 jobs stale (intro, intro.1), 60 credits; 1 cached\n' +
        'watching 5 files · 60 of 500 credits spent this session · Ctrl-C to stop\n',
    );
  });

  it('formats diagnostics as FILE:LINE:COL with the source line', () => {
    const source = 'version: 1\njobs:\n  intro: {prompt: [\n';
    const { err } = text([
      { type: 'change', at: AT, files: ['/p/teaser.yaml'], first: false },
      {
        type: 'invalid',
        at: AT,
        errors: 1,
        diagnostics: [{ severity: 'error', code: 'yaml-syntax', message: 'unclosed flow sequence', location: { file: 'teaser.yaml', range: { offset: 35, length: 1 } } }],
        sources: new Map([['teaser.yaml', source]]),
      },
    ]);
    expect(err.split('\n').slice(0, 5)).toEqual([
      'change detected (teaser.yaml): invalid, 1 error; nothing submitted, outputs untouched',
      'teaser.yaml:3:19 error[yaml-syntax] unclosed flow sequence',
      '  |',
      '3 |   intro: {prompt: [',
      `  | ${' '.repeat(18)}^`,
    ]);
  });

  it('explains a refusal and says watching goes on', () => {
    const { err } = text([{ type: 'refused', at: AT, reason: 'session-budget', credits: 60, sessionSpent: 450, budget: 500 }]);
    expect(err).toBe('refused: this change costs 60 credits and the session has spent 450 of its 500-credit budget (--budget); nothing submitted, still watching\n');
  });

  it('gives each run its own progress view, prints the summary, and puts a save during a run inside that view', () => {
    const { out, err, runEvents } = text([
      { type: 'run-start', at: AT, backend: '', jobs: 3, toRender: 2, credits: 40, slots: 8 },
      { type: 'superseded', at: AT, files: ['/p/teaser.yaml'] },
      { type: 'run-end', at: AT, summary },
    ]);
    expect(runEvents.map((e) => e.type)).toEqual(['run-start', 'warning', 'run-end']);
    expect(err).toBe('');
    expect(out).toMatch(/^2 rendered, 1 cached · 40 of 40 planned credits spent/);
  });
});

describe('text session view: interrupted runs', () => {
  const stopped = { ...summary, done: 0, pending: 1, skipped: 1, creditsSpent: 20, stopReason: 'interrupted' as const };

  it('a run stopped by a newer change says the re-run follows, not "run again"', () => {
    const { out } = text([
      { type: 'run-start', at: AT, backend: '', jobs: 3, toRender: 2, credits: 40, slots: 8 },
      { type: 'superseded', at: AT, files: ['/p/teaser.yaml'] },
      { type: 'run-end', at: AT, summary: stopped },
    ]);
    expect(out.split('\n').slice(1)).toEqual(['stopped for a newer change: 1 still rendering (the re-run collects it); re-running', '']);
    expect(out).not.toMatch(/run the same command again/);
  });

  it('a run stopped by Ctrl-C keeps the usual advice', () => {
    const { out } = text([
      { type: 'run-start', at: AT, backend: '', jobs: 3, toRender: 2, credits: 40, slots: 8 },
      { type: 'run-end', at: AT, summary: stopped },
    ]);
    expect(out).toMatch(/Interrupted: state saved; run the same command again to continue\./);
  });
});

describe('NDJSON session view', () => {
  it('writes one JSON object per event, without the source texts', () => {
    const lines: string[] = [];
    const view = ndjsonSessionView((t) => lines.push(t));
    view.onEvent({ type: 'invalid', at: AT, errors: 1, diagnostics: [{ severity: 'error', code: 'schema', message: 'bad' }], sources: new Map([['a.yaml', 'secret text']]) });
    view.onEvent({ type: 'idle', at: AT, files: 2, sessionSpent: 0 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { type: 'invalid', at: AT, errors: 1, diagnostics: [{ severity: 'error', code: 'schema', message: 'bad' }] },
      { type: 'idle', at: AT, files: 2, sessionSpent: 0 },
    ]);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });
});
