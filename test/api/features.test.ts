import { describe, expect, it } from 'vitest';
import { offPeakMultiplierFrom, spendableCredits } from '../../src/api/features.js';

describe('offPeakMultiplierFrom', () => {
  it('reads the plan factor: "0.7" means price × 0.7', () => {
    expect(offPeakMultiplierFrom({ off_peak_discount: '0.7' }, 0.5)).toBe(0.7);
    expect(offPeakMultiplierFrom({ off_peak_discount: ' 0.5 ' }, 0.9)).toBe(0.5);
    expect(offPeakMultiplierFrom({ off_peak_discount: '1' }, 0.5)).toBe(1);
  });

  it('falls back to the catalog factor only when the field is absent (an API revision without it)', () => {
    expect(offPeakMultiplierFrom({}, 0.5)).toBe(0.5);
    expect(offPeakMultiplierFrom({ off_peak_discount: undefined }, 0.6)).toBe(0.6);
    expect(offPeakMultiplierFrom({ off_peak_discount: null as unknown as string }, 0.6)).toBe(0.6);
  });

  it('is unknown (never the cheaper fallback) without an answer or with a value that is not a factor in (0, 1]', () => {
    for (const value of ['', 'abc', '0', '-0.3', '1.5', '0.7x', 'NaN', 'Infinity', '1e-1', true, {}]) {
      expect(offPeakMultiplierFrom({ off_peak_discount: value as string }, 0.5)).toBe('unknown');
    }
    expect(offPeakMultiplierFrom(undefined, 0.5)).toBe('unknown');
    expect(offPeakMultiplierFrom(null, 0.6)).toBe('unknown');
  });

  it('accepts a number as well as a string', () => {
    expect(offPeakMultiplierFrom({ off_peak_discount: 0.8 as unknown as string }, 0.5)).toBe(0.8);
  });
});

describe('spendableCredits', () => {
  it('adds daily, monthly and package balances, treating missing ones as 0', () => {
    expect(spendableCredits({ credit_daily: 60, credit_monthly: 11820, credit_package: 100 })).toBe(11980);
    expect(spendableCredits({ credit_monthly: 30 } as never)).toBe(30);
  });
});
