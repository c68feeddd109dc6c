/**
 * The claims this runner holds, as it knows them: each claim's fencing token (fence.ts) and, once an
 * intent is written under it, the POST deadline. The deadline is the lease time from just before the
 * intent's statement was sent, so it ends no later than the claim row's `post_until` (set by that
 * statement on the database's clock), after which a takeover may happen. It is checked on two clocks:
 * the monotonic one (counts a stopped process or a GC pause, ignores wall-clock steps) and the wall one
 * (counts a suspended machine, which the monotonic clock on Linux does not). Either past: no POST.
 */
import type { Holder } from './fence.js';

export interface HoldClocks {
  monotonic(): number;
  wall(): number;
}

const systemClocks: HoldClocks = { monotonic: () => performance.now(), wall: () => Date.now() };

interface Hold {
  token: string;
  /** Both clocks just before the last intent's statement went out. */
  fencedAt?: { monotonic: number; wall: number };
}

export class Holds {
  private readonly held = new Map<string, Hold>();

  constructor(
    private readonly scope: string,
    private readonly runner: string,
    private readonly leaseMs: number,
    private readonly clocks: HoldClocks = systemClocks,
  ) {}

  private static key(job: string, fingerprint: string): string {
    return `${fingerprint} ${job}`;
  }

  took(job: string, fingerprint: string, token: string): void {
    this.held.set(Holds.key(job, fingerprint), { token });
  }

  released(job: string, fingerprint: string): void {
    this.held.delete(Holds.key(job, fingerprint));
  }

  get(job: string, fingerprint: string): Holder | undefined {
    const hold = this.held.get(Holds.key(job, fingerprint));
    return hold && { scope: this.scope, fingerprint, job, runner: this.runner, token: hold.token };
  }

  /** Call just before an intent's statement is sent; the returned function records it as written. */
  fencing(job: string, fingerprint: string): () => void {
    const at = { monotonic: this.clocks.monotonic(), wall: this.clocks.wall() };
    return () => {
      const hold = this.held.get(Holds.key(job, fingerprint));
      if (hold) hold.fencedAt = at;
    };
  }

  /** Whether the POST of the last intent may still go out: written under the claim, and the lease time not past on either clock. */
  mayPost(job: string, fingerprint: string): boolean {
    const at = this.held.get(Holds.key(job, fingerprint))?.fencedAt;
    if (!at) return false;
    return this.clocks.monotonic() - at.monotonic < this.leaseMs && this.clocks.wall() - at.wall < this.leaseMs;
  }
}
