import { describe, expect, it } from 'vitest';
import { offPeakMultiplierFrom, previewMultiplierFrom, spendableCredits } from '../../src/api/features.js';

describe('offPeakMultiplierFrom / previewMultiplierFrom', () => {
  it('reads the plan factor: "0.7" means price × 0.7', () => {
    expect(offPeakMultiplierFrom({ off_peak_discount: '0.7' })).toBe(0.7);
    expect(offPeakMultiplierFrom({ off_peak_discount: ' 0.5 ' })).toBe(0.5);
    expect(offPeakMultiplierFrom({ off_peak_discount: '1' })).toBe(1);
    expect(previewMultiplierFrom({ preview_mode_discount: '0.8' })).toBe(0.8);
  });

  it('is unknown when the field is absent: the advertised 50 % is never assumed', () => {
    expect(offPeakMultiplierFrom({})).toBe('unknown');
    expect(offPeakMultiplierFrom({ off_peak_discount: undefined })).toBe('unknown');
    expect(offPeakMultiplierFrom({ off_peak_discount: null as unknown as string })).toBe('unknown');
    expect(previewMultiplierFrom({ off_peak_discount: '0.7' } as never)).toBe('unknown');
  });

  it('is unknown without an answer or with a value that is not a factor in (0, 1]', () => {
    for (const value of ['', 'abc', '0', '-0.3', '1.5', '0.7x', 'NaN', 'Infinity', '1e-1', true, {}]) {
      expect(offPeakMultiplierFrom({ off_peak_discount: value as string })).toBe('unknown');
      expect(previewMultiplierFrom({ preview_mode_discount: value as string })).toBe('unknown');
    }
    expect(offPeakMultiplierFrom(undefined)).toBe('unknown');
    expect(offPeakMultiplierFrom(null)).toBe('unknown');
  });

  it('accepts a number as well as a string', () => {
    expect(offPeakMultiplierFrom({ off_peak_discount: 0.8 as unknown as string })).toBe(0.8);
  });
});

describe('spendableCredits', () => {
  it('adds daily, monthly and package balances, treating missing ones as 0', () => {
    expect(spendableCredits({ credit_daily: 60, credit_monthly: 11820, credit_package: 100 })).toBe(11980);
    expect(spendableCredits({ credit_monthly: 30 } as never)).toBe(30);
  });
});
