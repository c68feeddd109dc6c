/** The session spending guard: what a change newly costs, and the session limit. */
import { describe, expect, it } from 'vitest';
import { fingerprint, jobId, type Plan } from '../../src/model.js';
import { plan } from '../../src/plan.js';
import type { PendingJob } from '../../src/state/store.js';
import { changeCost, SessionBudget } from '../../src/watch/budget.js';
import { catalog, create, extend, graphOf, lockOf, manifest } from '../graph/builders.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function twoChanged(): Plan {
  const before = graphOf(manifest([create('intro'), extend('intro.1', 'intro'), create('pour')]));
  const after = graphOf(manifest([create('intro', { prompt: 'new' }), extend('intro.1', 'intro'), create('pour')]));
  const lock = lockOf(before);
  return plan({ graph: after, lock, outputsPresent: new Set(Object.keys(lock.jobs)), catalog, now: NOW });
}

const open = (p: Plan, id: string, extra: Partial<PendingJob> = {}): [string, PendingJob] => {
  const job = p.jobs.find((j) => j.id === id)!;
  return [id, { job: job.id, fingerprint: job.fingerprint, replyRef: `pixrender:${id}@1`, videoId: `v-${id}`, endpoint: job.endpoint, credits: job.cost, offPeak: false, since: '', ...extra }];
};

describe('changeCost', () => {
  it('is the cost of the stale jobs and their dependents', () => {
    const p = twoChanged();
    const cost = changeCost(p, { pending: new Map() });
    expect(cost.jobs.map((j) => j.id)).toEqual(['intro', 'intro.1']);
    expect(cost.credits).toBe(p.totals.credits);
    expect(cost.credits).toBeGreaterThan(0);
    expect(cost.resumed).toEqual([]);
  });

  it('does not count a job already submitted with the same fingerprint: the run collects it', () => {
    const p = twoChanged();
    const intro = p.jobs.find((j) => j.id === 'intro')!;
    const cost = changeCost(p, { pending: new Map([open(p, 'intro')]) });
    expect(cost.resumed).toEqual([jobId('intro')]);
    expect(cost.credits).toBe(p.totals.credits - intro.cost);
  });

  it('still counts an attempt of another version, or one whose submit outcome is unknown', () => {
    const p = twoChanged();
    const other = changeCost(p, { pending: new Map([open(p, 'intro', { fingerprint: fingerprint('0'.repeat(64)) })]) });
    const unknown = changeCost(p, { pending: new Map([open(p, 'intro', { videoId: undefined })]) });
    expect([other.credits, unknown.credits]).toEqual([p.totals.credits, p.totals.credits]);
  });
});

describe('SessionBudget', () => {
  it('allows runs while spent + cost stays within the limit', () => {
    const budget = new SessionBudget(100);
    expect(budget.allows(100)).toBe(true);
    budget.record(60);
    expect([budget.allows(40), budget.allows(41), budget.spent]).toEqual([true, false, 60]);
  });

  it('without a limit allows everything', () => {
    const budget = new SessionBudget();
    budget.record(1e9);
    expect(budget.allows(1e9)).toBe(true);
  });

  it('refuses a negative limit with a TypeError naming the value', () => {
    expect(() => new SessionBudget(-5)).toThrow(/budget must be a number ≥ 0, got -5 \(number\)/);
  });
});
