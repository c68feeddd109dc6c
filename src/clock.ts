import { onAbort } from './abort.js';

/** Time as a seam: the executor, poller and simulator take a Clock so tests can run on a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        stop();
        resolve();
      }, ms);
      const stop = onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal!.reason);
      });
    }),
};
