/**
 * Waits on an AbortSignal without one listener each. A run has one signal and, with a shared store, dozens
 * of jobs sleeping on it at once (waiting for a claim, a slot, a poll); a listener apiece trips Node's
 * MaxListenersExceededWarning past ten. Here each signal gets one listener, which calls the waiters.
 */
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `onAbort` once when `signal` aborts (at once if it has); returns what stops that. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  let set = waiters.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    waiters.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        waiters.delete(signal);
        for (const waiter of [...created]) waiter();
      },
      { once: true },
    );
    set = created;
  }
  const waiter = () => {
    set.delete(waiter);
    onAbort();
  };
  set.add(waiter);
  return () => set.delete(waiter);
}
