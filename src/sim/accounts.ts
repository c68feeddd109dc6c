/**
 * Simulated PixVerse accounts: configuration (maxJobs), credit balances and the per-account count of
 * executing jobs that useapi uses for load balancing and 429s (reference §2).
 */
import type { PixverseAccount } from '../api/protocol.js';
import { pick, type Random } from './rng.js';

export interface AccountSpec {
  email: string;
  maxJobs?: number;
  /** Monthly plan credits the account starts with. */
  credits?: number;
  password?: string;
  /** Its stored session is broken: every request for it answers 596 until it is added again. */
  sessionBroken?: boolean;
}

export interface Credits {
  daily: number;
  monthly: number;
  package: number;
}

export interface SimAccount {
  email: string;
  password: string;
  maxJobs: number;
  accountId: number;
  credits: Credits;
  /** Jobs currently holding one of this account's slots. */
  executing: number;
  /** Highest `executing` seen since start. */
  maxExecuting: number;
  /** Answers 596 until POST accounts/{email} adds it again (2026 reference §4.14). */
  sessionBroken?: boolean;
}

export type Selection =
  | { ok: true; account: SimAccount }
  | { ok: false; reason: 'unknown-account'; email: string }
  | { ok: false; reason: 'no-capacity' }
  | { ok: false; reason: 'no-credits'; account: SimAccount };

export interface SelectRequest {
  email?: string;
  /** The request's maxJobs, overriding the account's for this call. */
  maxJobs?: number;
  cost: number;
  /** false for jobs that do not take a slot at submit (off-peak, when configured so): no capacity check. */
  needsSlot: boolean;
}

export const balanceOf = (a: SimAccount): number => a.credits.daily + a.credits.monthly + a.credits.package;

export class AccountPool {
  private readonly accounts = new Map<string, SimAccount>();
  private nextAccountId = 402918551;

  constructor(
    specs: AccountSpec[],
    private readonly defaults: { maxJobs: number; credits: number },
    private readonly random: Random,
  ) {
    for (const spec of specs) {
      const account = this.upsert(spec.email, spec.password ?? 'sim-password', spec.maxJobs ?? defaults.maxJobs, spec.credits);
      if (spec.sessionBroken) account.sessionBroken = true;
    }
  }

  list(): SimAccount[] {
    return [...this.accounts.values()];
  }

  get(email: string): SimAccount | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  /** Creates or reconfigures an account; balances and running jobs survive a reconfiguration. */
  upsert(email: string, password: string, maxJobs: number, credits?: number): SimAccount {
    const existing = this.get(email);
    if (existing) {
      delete existing.sessionBroken; // adding it again repairs the session
      existing.password = password;
      existing.maxJobs = maxJobs;
      if (credits !== undefined) existing.credits = { daily: 0, monthly: credits, package: 0 };
      return existing;
    }
    const account: SimAccount = {
      email,
      password,
      maxJobs,
      accountId: this.nextAccountId++,
      credits: { daily: 0, monthly: credits ?? this.defaults.credits, package: 0 },
      executing: 0,
      maxExecuting: 0,
    };
    this.accounts.set(email.toLowerCase(), account);
    return account;
  }

  /** Takes back balances (and ids) saved by an earlier process; maxJobs stays as configured now. */
  restore(saved: Omit<SimAccount, 'executing' | 'maxExecuting'>): void {
    const account = this.get(saved.email) ?? this.upsert(saved.email, saved.password, saved.maxJobs);
    account.accountId = saved.accountId;
    account.credits = { ...saved.credits };
    this.nextAccountId = Math.max(this.nextAccountId, saved.accountId + 1);
  }

  remove(email: string): boolean {
    return this.accounts.delete(email.toLowerCase());
  }

  /**
   * The account for a generation request: the named one, or a random one with a free slot and enough
   * credits (falling back to any with a free slot, which then answers 412).
   */
  select(req: SelectRequest): Selection {
    const hasSlot = (a: SimAccount) => !req.needsSlot || a.executing < (req.maxJobs ?? a.maxJobs);
    if (req.email !== undefined) {
      const account = this.get(req.email);
      if (!account) return { ok: false, reason: 'unknown-account', email: req.email };
      if (!hasSlot(account)) return { ok: false, reason: 'no-capacity' };
      if (balanceOf(account) < req.cost) return { ok: false, reason: 'no-credits', account };
      return { ok: true, account };
    }
    const free = this.list().filter(hasSlot);
    if (free.length === 0) return { ok: false, reason: 'no-capacity' };
    const funded = free.filter((a) => balanceOf(a) >= req.cost);
    if (funded.length === 0) return { ok: false, reason: 'no-credits', account: free[0]! };
    return { ok: true, account: pick(this.random, funded)! };
  }

  /** Spends daily credits first, then monthly, then purchased ones. Returns false if the balance is short. */
  spend(account: SimAccount, amount: number): boolean {
    if (balanceOf(account) < amount) return false;
    let left = amount;
    for (const bucket of ['daily', 'monthly', 'package'] as const) {
      const used = Math.min(left, account.credits[bucket]);
      account.credits[bucket] -= used;
      left -= used;
    }
    return true;
  }

  /** Adds purchased credits to one account, or to every account. */
  addCredits(amount: number, email?: string): boolean {
    const targets = email === undefined ? this.list() : [this.get(email)].filter((a): a is SimAccount => a !== undefined);
    for (const a of targets) a.credits.package += amount;
    return targets.length > 0;
  }

  acquire(account: SimAccount): void {
    account.executing++;
    account.maxExecuting = Math.max(account.maxExecuting, account.executing);
  }

  release(email: string): void {
    const account = this.get(email);
    if (account && account.executing > 0) account.executing--;
  }
}

/** The account as GET/POST accounts show it: secrets masked (reference §8.1). */
export function maskedAccount(a: SimAccount, nowMs: number): PixverseAccount {
  const expire = Math.floor(nowMs / 1000) + 7 * 24 * 3600;
  return {
    email: a.email,
    password: '…secured…',
    maxJobs: a.maxJobs,
    jwt: {
      AccountId: a.accountId,
      ExpireTime: expire,
      ExpireTimeUTC: new Date(expire * 1000).toISOString(),
      Username: a.email.split('@')[0] ?? a.email,
      token: 'eyJ…secured…X9w',
    },
  };
}

/** Default account emails: render01@sim.pixrender.local, render02@… */
export function defaultAccountEmails(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `render${String(i + 1).padStart(2, '0')}@sim.pixrender.local`);
}
