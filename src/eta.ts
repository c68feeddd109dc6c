/**
 * ETAs for the live view. The catalog's expected times are a first guess (off-peak ones are long
 * upper bounds); every render that finishes in this run corrects them by how far off they were,
 * so a batch whose first jobs came back in a fifth of the time shows a fifth for the rest.
 */
interface Rendering {
  expected: number;
  since: number;
}

export class EtaTracker {
  private readonly rendering = new Map<string, Rendering>();
  private actualSum = 0;
  private expectedSum = 0;
  private expectedSeen: number[] = [];

  start(id: string, expectedSeconds: number, now: number): void {
    this.rendering.set(id, { expected: Math.max(1, expectedSeconds), since: now });
    this.expectedSeen.push(Math.max(1, expectedSeconds));
  }

  /** The job left the rendering state; `completed` when its render finished (not failed or stopped). */
  stop(id: string, now: number, completed: boolean): void {
    const r = this.rendering.get(id);
    if (!r) return;
    this.rendering.delete(id);
    if (!completed) return;
    this.actualSum += Math.max(0, (now - r.since) / 1000);
    this.expectedSum += r.expected;
  }

  /** Actual over expected of the renders finished so far (1 before any). */
  ratio(): number {
    if (this.expectedSum === 0) return 1;
    return Math.min(20, Math.max(0.02, this.actualSum / this.expectedSum));
  }

  /** Seconds until the job should be done; ≤ 0 when it is due (or overdue). */
  remaining(id: string, now: number): number | undefined {
    const r = this.rendering.get(id);
    return r ? r.expected * this.ratio() - (now - r.since) / 1000 : undefined;
  }

  /** Seconds until the whole run should be done: the longest render in flight, then the jobs not started in waves of `slots`. */
  overall(now: number, notStarted: number, slots: number): number | undefined {
    if (this.expectedSeen.length === 0) return undefined;
    let inFlight = 0;
    for (const id of this.rendering.keys()) inFlight = Math.max(inFlight, this.remaining(id, now) ?? 0);
    const typical = (this.expectedSeen.reduce((a, b) => a + b, 0) / this.expectedSeen.length) * this.ratio();
    const total = inFlight + Math.ceil(Math.max(0, notStarted) / Math.max(1, slots)) * typical;
    return this.rendering.size === 0 && notStarted <= 0 ? undefined : total;
  }
}
