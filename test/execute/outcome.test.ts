import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { describeOutcome, disposition, outcomeOfError } from '../../src/execute/outcome.js';

describe('job outcomes', () => {
  it('an unexpected error is a bug and keeps its stack; API and local errors are not', () => {
    const bug = outcomeOfError(new TypeError('x is not a function'));
    expect(bug).toMatchObject({ kind: 'bug', message: 'x is not a function', stack: expect.stringContaining('outcome.test.ts') });
    expect(describeOutcome(bug, 'a')).toContain('at ');
    expect(outcomeOfError(new ApiError({ kind: 'bad-request', method: 'POST', endpoint: 'videos/create', status: 400, apiMessage: 'bad quality' }))).toEqual({
      kind: 'api-rejected',
      error: 'bad-request',
      message: 'bad quality',
      status: 400,
    });
    expect(outcomeOfError(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' })).kind).toBe('local-failed');
  });

  it('decide the job state and whether the run failed, never from message text', () => {
    expect(disposition({ kind: 'no-slot' })).toEqual({ state: 'skipped', failure: false });
    expect(disposition({ kind: 'input-failed', input: 'a' as never, stillRendering: true })).toEqual({ state: 'skipped', failure: false });
    expect(disposition({ kind: 'unknown-outcome', candidates: [], detail: '' })).toEqual({ state: 'failed', failure: true });
    expect(disposition({ kind: 'pending', videoId: 'v', reason: 'no-wait' })).toEqual({ state: 'pending', failure: false });
  });
});
