import { describe, expect, it } from 'vitest';
import { BudgetGuard } from '../../src/execute/budget.js';

describe('BudgetGuard', () => {
  it('counts submissions in flight: racing reservations cannot together cross the limit', () => {
    const guard = new BudgetGuard(25);
    const a = guard.reserve(10);
    const b = guard.reserve(10);
    const c = guard.reserve(10);
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    expect(guard.committed).toBe(20);
  });

  it('a released reservation frees its credits; an accepted one counts what the API charged', () => {
    const guard = new BudgetGuard(30);
    const a = guard.reserve(10);
    const b = guard.reserve(10);
    if (!a.ok || !b.ok) throw new Error('expected both to fit');
    a.reservation.released();
    b.reservation.accepted(12);
    expect(guard.committed).toBe(12);
    expect(guard.spent).toBe(12);
    a.reservation.released(); // settling twice changes nothing
    expect(guard.committed).toBe(12);
  });

  it('once the API charged more than planned, later estimates are scaled up', () => {
    const guard = new BudgetGuard(40);
    const first = guard.reserve(10);
    if (!first.ok) throw new Error('expected it to fit');
    first.reservation.accepted(25);
    const second = guard.reserve(10);
    expect(second).toEqual({ ok: false, limit: 40, committed: 25, estimate: 25 });
    expect(guard.refused).toBe(true);
  });
});
