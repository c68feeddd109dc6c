/**
 * Retries a read that creates nothing (GET scheduler/available, accounts, features) through transient
 * failures: a reset connection, a timeout, a 5xx or a 429 is tried again with doubling delays. A definite
 * answer (401 bad token, 402, 400, 404) is thrown at once: waiting does not change it.
 */
import { isApiError } from './errors.js';

export interface ReadRetry {
  /** @default 5 */
  attempts?: number;
  /** First delay; each next one doubles, up to 8×. @default 250 */
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const TRANSIENT = ['network', 'timeout', 'server', 'busy'] as const;

export async function retryRead<T>(read: () => Promise<T>, options: ReadRetry = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const delay = options.delayMs ?? 250;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !isApiError(error, TRANSIENT)) throw error;
      await sleep(delay * 2 ** Math.min(attempt - 1, 3));
    }
  }
}
