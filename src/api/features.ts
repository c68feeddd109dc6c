/** Readings of GET features that change what the executor and planner assume. */
import type { FeaturesResponse } from './protocol.js';

/**
 * The off-peak price factor from a plan's `off_peak_discount` (a string factor such as "0.7", meaning
 * off-peak price = standard × 0.7; later API revisions only):
 * - a number in (0, 1] → that factor;
 * - no field (an API revision without it) → `fallback` (the catalog's documented factor);
 * - a field that is not such a number, or no answer at all (null) → 'unknown': the caller must assume
 *   the highest price, never the cheaper fallback.
 */
export function offPeakMultiplierFrom(features: Pick<FeaturesResponse, 'off_peak_discount'> | null | undefined, fallback: number): number | 'unknown' {
  if (features === null || features === undefined) return 'unknown';
  const raw: unknown = features.off_peak_discount;
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string' && typeof raw !== 'number') return 'unknown';
  if (typeof raw === 'string' && !/^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(raw)) return 'unknown';
  const factor = Number(raw);
  return Number.isFinite(factor) && factor > 0 && factor <= 1 ? factor : 'unknown';
}

/** Spendable credits: daily + monthly + purchased balances (reference §6.2). */
export function spendableCredits(features: Pick<FeaturesResponse, 'credit_daily' | 'credit_monthly' | 'credit_package'>): number {
  const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return n(features.credit_daily) + n(features.credit_monthly) + n(features.credit_package);
}
