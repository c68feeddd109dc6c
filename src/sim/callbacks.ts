/**
 * Best-effort callbacks to `replyUrl` (reference §4): the video object with `replyRef` at top level,
 * POSTed on every status change. Deliveries of one job go out in order; failures are counted, not retried.
 */

export interface CallbackCounts {
  sent: number;
  failed: number;
}

const TIMEOUT_MS = 5_000;

export class CallbackSender {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(private readonly counts: CallbackCounts) {}

  send(key: string, url: string, payload: unknown): void {
    if (this.shutdown.signal.aborted) return;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.post(url, payload));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async post(url: string, payload: unknown): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) this.counts.sent++;
      else this.counts.failed++;
    } catch {
      this.counts.failed++;
    }
  }

  /** Abandons deliveries in flight and refuses new ones. */
  async close(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.chains.values()]);
  }
}
