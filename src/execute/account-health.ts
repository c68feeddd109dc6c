/**
 * Which accounts a run still sends work to. An account whose session is broken (596, 2026 reference
 * §4.14, §7) answers 596 until it is added again, so after the first one the run stops using it, says so
 * once, and routes the rest to the other accounts: by naming an account in each request from then on
 * (the API's own choice could land on the broken one again). A job on another job's video always goes to
 * the account inside that video's id (the API uses it when no email is sent); if that account is broken,
 * the job cannot run this run.
 */

export type Route = { ok: true; email?: string } | { ok: false; account: string };

/** The account inside a video id `user:…-pixverse:EMAIL-video:…` (undefined when masked or absent). */
export function ownerOf(videoId: unknown): string | undefined {
  if (typeof videoId !== 'string') return undefined;
  const email = /-pixverse:(.+)-(?:video|image):\d+$/.exec(videoId)?.[1];
  return email && !email.includes('*') ? email : undefined;
}

export class AccountHealth {
  private readonly broken = new Set<string>();
  private named = false;
  private next = 0;

  /** `emails`: the accounts the run may use (empty when unknown: the API chooses). */
  constructor(
    private readonly emails: readonly string[],
    private readonly onBroken: (email: string | undefined) => void,
  ) {}

  isBroken(email: string): boolean {
    return this.broken.has(email.toLowerCase());
  }

  /** Records a 596. An unnamed one makes every later request name its account, so the next 596 says which. */
  markBroken(email: string | undefined): void {
    if (email === undefined) {
      if (!this.named) this.onBroken(undefined);
      this.named = true;
      return;
    }
    if (this.isBroken(email)) return;
    this.broken.add(email.toLowerCase());
    this.named = true;
    this.onBroken(email);
  }

  private healthy(): string[] {
    return this.emails.filter((e) => !this.isBroken(e));
  }

  /**
   * The account to name in a generation request (none: the API chooses, or the source video decides).
   * `slot`: the account whose slot the runner holds (a shared store); while healthy, the request goes there.
   */
  route(body: Record<string, unknown>, slot?: string): Route {
    const owner = ownerOf(body.video_id);
    if (owner !== undefined) return this.isBroken(owner) ? { ok: false, account: owner } : { ok: true };
    if (slot !== undefined && !this.isBroken(slot)) return { ok: true, email: slot };
    if (!this.named) return { ok: true };
    const healthy = this.healthy();
    if (healthy.length === 0) return this.emails.length === 0 ? { ok: true } : { ok: false, account: this.emails.join(', ') };
    return { ok: true, email: healthy[this.next++ % healthy.length]! };
  }

  /** The account for an upload (uploads work from any account): `preferred` while it is healthy. */
  uploadAccount(preferred: string | undefined): string | undefined {
    if (preferred === undefined || !this.isBroken(preferred)) return preferred;
    return this.healthy()[0];
  }
}

/** The one line that tells the user what to do. */
export function brokenAccountMessage(email: string | undefined): string {
  return email === undefined
    ? 'a PixVerse account answered 596 (its session is broken); this run names an account in each request from now on to find it'
    : `PixVerse account ${email} has a broken session (596): add it again (POST accounts/${email} at useapi.net); this run no longer uses it`;
}
