import { LIMITS } from './limits.js';

/**
 * Did-you-mean over the names of a big manifest (thousands of jobs). It gives the same answer as
 * `closest` in catalog.ts: the first name at the smallest case-insensitive edit distance, if that is at
 * most max(2, a third of the name's length). `closest` computes every full distance, so a manifest with
 * many bad references costs references × names × length²; here each distance is computed only within
 * the limit (or the best so far), in a band around the diagonal, and given up once it exceeds it.
 */
export class NameSuggester {
  private readonly lower: string[];
  private readonly distance = new BoundedEditDistance();
  private listed?: string;

  constructor(readonly names: readonly string[]) {
    this.lower = names.map((n) => n.toLowerCase());
  }

  closest(name: string): string | undefined {
    const limit = Math.max(2, Math.floor(name.length / 3));
    const wanted = name.toLowerCase();
    let best: number | undefined;
    let bestDistance = Infinity;
    for (let i = 0; i < this.lower.length; i++) {
      // Only a strictly smaller distance replaces the best (the first one wins ties).
      const cutoff = Math.min(limit, bestDistance - 1);
      if (cutoff < 0) break;
      const candidate = this.lower[i]!;
      if (Math.abs(candidate.length - wanted.length) > cutoff) continue;
      const distance = this.distance.within(wanted, candidate, cutoff);
      if (distance <= cutoff) {
        best = i;
        bestDistance = distance;
      }
    }
    return best === undefined ? undefined : this.names[best];
  }

  /** The first names as a comma-separated list (for hints), with how many more; joined once. */
  list(): string {
    const shown = this.names.slice(0, LIMITS.hintNames).join(', ');
    this.listed ??= this.names.length > LIMITS.hintNames ? `${shown}, … (${this.names.length - LIMITS.hintNames} more)` : shown;
    return this.listed;
  }
}

/** Levenshtein distance (UTF-16 code units) up to a limit, reusing two rows between calls. */
export class BoundedEditDistance {
  private prev = new Int32Array(16);
  private cur = new Int32Array(16);

  /** The distance of `a` and `b` when it is at most `limit`, else `limit + 1`. */
  within(a: string, b: string, limit: number): number {
    const over = limit + 1;
    const n = a.length;
    const m = b.length;
    if (Math.abs(n - m) > limit) return over;
    if (this.prev.length < m + 2) {
      this.prev = new Int32Array(m + 2);
      this.cur = new Int32Array(m + 2);
    }
    let prev = this.prev;
    let cur = this.cur;
    // Only cells with |i - j| <= limit can be within the limit; cells just outside the band read as `over`.
    const firstHi = Math.min(m, limit);
    for (let j = 0; j <= firstHi; j++) prev[j] = j;
    if (firstHi < m) prev[firstHi + 1] = over;
    for (let i = 1; i <= n; i++) {
      const lo = Math.max(1, i - limit);
      const hi = Math.min(m, i + limit);
      cur[lo - 1] = lo === 1 ? i : over;
      let rowMin = cur[lo - 1]!;
      const ai = a.charCodeAt(i - 1);
      for (let j = lo; j <= hi; j++) {
        let d = prev[j - 1]! + (ai === b.charCodeAt(j - 1) ? 0 : 1);
        const up = prev[j]! + 1;
        if (up < d) d = up;
        const left = cur[j - 1]! + 1;
        if (left < d) d = left;
        if (d > over) d = over;
        cur[j] = d;
        if (d < rowMin) rowMin = d;
      }
      if (hi < m) cur[hi + 1] = over;
      // A row's minimum never decreases further down: once it is over the limit, so is the distance.
      if (rowMin > limit) return over;
      [prev, cur] = [cur, prev];
    }
    return Math.min(prev[m]!, over);
  }
}
