/** Readings of GET features that change what the executor and planner assume. */
import type { PixverseApi } from './api.js';
import { isApiError } from './errors.js';
import type { FeaturesResponse } from './protocol.js';
import { retryRead, type ReadRetry } from './retry-read.js';

/**
 * The off-peak price factor from a plan's `off_peak_discount` (a string factor such as "0.7", meaning
 * off-peak price = standard × 0.7):
 * - a number in (0, 1] → that factor;
 * - no field (an API revision without it, or a plan that does not say), a field that is not such a
 *   number, or no answer at all (null) → 'unknown': the caller must assume the highest price (no
 *   discount), never the advertised 50 %.
 */
export function offPeakMultiplierFrom(features: Pick<FeaturesResponse, 'off_peak_discount'> | null | undefined): number | 'unknown' {
  return factorFrom(features?.off_peak_discount);
}

/** The preview-mode price factor from `preview_mode_discount` ("0.8": pay 80 %), by the same rules. */
export function previewMultiplierFrom(features: Pick<FeaturesResponse, 'preview_mode_discount'> | null | undefined): number | 'unknown' {
  return factorFrom(features?.preview_mode_discount);
}

function factorFrom(raw: unknown): number | 'unknown' {
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

export interface PriceFactorsRead {
  offPeak: number | 'unknown';
  preview: number | 'unknown';
}

/**
 * The plan's off-peak and preview price factors from GET features (`off_peak_discount`,
 * `preview_mode_discount`), read for one account (features needs an email when there are several). A
 * field that is absent or unreadable, or a read that keeps failing → 'unknown': the plan then prices
 * that mode like standard (the catalog's factor, 1), never at the advertised discount, and says so. A
 * refused token stops the run.
 */
export async function readPriceFactors(api: PixverseApi, email: string | undefined, retry: ReadRetry): Promise<PriceFactorsRead> {
  try {
    const features = await retryRead(() => api.getFeatures(email), retry);
    return { offPeak: offPeakMultiplierFrom(features), preview: previewMultiplierFrom(features) };
  } catch (error) {
    if (isApiError(error, ['unauthorized', 'payment-required'])) throw error;
    return { offPeak: 'unknown', preview: 'unknown' };
  }
}
