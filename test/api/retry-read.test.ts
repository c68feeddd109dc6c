import { describe, expect, it } from 'vitest';
import { ApiError, type ApiErrorKind } from '../../src/api/errors.js';
import { retryRead } from '../../src/api/retry-read.js';

const fail = (kind: ApiErrorKind) => new ApiError({ kind, method: 'GET', endpoint: 'accounts' });

/** A read that fails with the given kinds in turn, then answers. */
function flaky(kinds: ApiErrorKind[]) {
  let calls = 0;
  return {
    read: async () => {
      const kind = kinds[calls++];
      if (kind) throw fail(kind);
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('retryRead', () => {
  it('retries network, timeout, server and busy failures with doubling delays', async () => {
    const sleeps: number[] = [];
    const r = flaky(['network', 'timeout', 'server', 'busy']);
    await expect(retryRead(r.read, { attempts: 5, delayMs: 10, sleep: async (ms) => void sleeps.push(ms) })).resolves.toBe('ok');
    expect(sleeps).toEqual([10, 20, 40, 80]);
    expect(r.calls()).toBe(5);
  });

  it('gives up after the last attempt with the last error', async () => {
    const r = flaky(['server', 'server', 'server']);
    await expect(retryRead(r.read, { attempts: 3, delayMs: 1, sleep: async () => {} })).rejects.toMatchObject({ kind: 'server' });
    expect(r.calls()).toBe(3);
  });

  for (const kind of ['unauthorized', 'payment-required', 'bad-request', 'not-found'] as const) {
    it(`throws ${kind} at once`, async () => {
      const r = flaky([kind]);
      await expect(retryRead(r.read, { delayMs: 1, sleep: async () => {} })).rejects.toMatchObject({ kind });
      expect(r.calls()).toBe(1);
    });
  }

  it('does not retry an error that is not an ApiError (a bug)', async () => {
    let calls = 0;
    await expect(retryRead(async () => { calls++; throw new TypeError('x'); }, { sleep: async () => {} })).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });
});
