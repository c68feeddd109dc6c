/** The did-you-mean over job names must answer exactly as catalog.ts `closest`, only faster. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closest } from '../../src/catalog.js';
import { BoundedEditDistance, NameSuggester } from '../../src/manifest/suggest.js';

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

// Few letters, both cases and characters whose lower case differs in length, so ties and near misses are common.
const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', 'B', '1', '-', 'İ', 'ß'), maxLength: 12 });

describe('BoundedEditDistance', () => {
  it('is the edit distance when within the limit, else limit + 1', () => {
    const distance = new BoundedEditDistance();
    fc.assert(
      fc.property(name, name, fc.integer({ min: 0, max: 8 }), (a, b, limit) => {
        const full = editDistance(a, b);
        expect(distance.within(a, b, limit)).toBe(full <= limit ? full : limit + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('reuses its rows across strings of different lengths', () => {
    const distance = new BoundedEditDistance();
    expect(distance.within('kitten', 'sitting', 3)).toBe(3);
    expect(distance.within('a'.repeat(40), `${'a'.repeat(39)}b`, 2)).toBe(1);
    expect(distance.within('flaw', 'lawn', 2)).toBe(2);
    expect(distance.within('', 'ab', 2)).toBe(2);
    expect(distance.within('abc', '', 2)).toBe(3);
  });
});

describe('NameSuggester', () => {
  it('answers like closest, ties and case included', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), name, (names, wanted) => {
        expect(new NameSuggester(names).closest(wanted)).toBe(closest(wanted, names));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps answering like closest when asked many times', () => {
    const names = Array.from({ length: 300 }, (_, i) => [`shot${i}`, `Text${i}`, `bridge-${i}`]).flat();
    const suggester = new NameSuggester(names);
    for (const wanted of ['shto12', 'text299', 'TEXT3', 'brige-7', 'shot', 'zzzzzzzz', 'bridge-1000', '']) {
      expect(suggester.closest(wanted)).toBe(closest(wanted, names));
    }
    expect(suggester.closest('txet17')).toBe('Text17');
  });

  it('lists the names for hints', () => {
    expect(new NameSuggester(['a', 'b', 'c']).list()).toBe('a, b, c');
  });
});
