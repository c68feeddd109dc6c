/** Exit codes of a run: pending alone is success, failures 1, an internal error inside a job 70. */
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/commands/report.js';
import type { RunSummary } from '../../src/events.js';
import { jobId } from '../../src/model.js';
import type { RunOutcome } from '../../src/pipeline.js';

const summary = (over: Partial<RunSummary>): RunSummary => ({ done: 0, cached: 0, downloaded: 0, failed: 0, skipped: 0, pending: 0, creditsSpent: 0, creditsPlanned: 0, failures: [], elapsedSeconds: 1, ...over });
const ran = (s: RunSummary) => ({ kind: 'ran', summary: s, plan: {}, lock: { version: 1, jobs: {} }, backend: 'sim' }) as unknown as RunOutcome;

describe('exitCodeOf', () => {
  it('is 0 when jobs only remain pending', () => {
    expect(exitCodeOf(ran(summary({ done: 1, pending: 2 })))).toBe(0);
  });
  it('is 1 when a job failed', () => {
    expect(exitCodeOf(ran(summary({ failed: 1, pending: 1, failures: [{ id: jobId('a'), reason: 'failed', outcome: { kind: 'failed', message: 'x' } as never }] })))).toBe(1);
  });
  it('is 70 when a job ended in an internal error, even beside ordinary failures', () => {
    const failures = [
      { id: jobId('a'), reason: 'failed', outcome: { kind: 'failed', message: 'x' } as never },
      { id: jobId('b'), reason: 'bug', outcome: { kind: 'bug', message: 'boom', stack: 'Error: boom\n    at here' } as const },
    ];
    expect(exitCodeOf(ran(summary({ failed: 2, failures })))).toBe(70);
  });
});
