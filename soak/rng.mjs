// Seeded randomness for the soak campaign: one seed gives the same manifest, faults and kill plan.
// The streams are the simulator's own (built into dist/, which the campaign runs anyway).
import { rngStream } from '../dist/sim/rng.js';

/** A small toolbox over one stream; each concern of a seed (manifest, faults, kills) gets its own. */
export function rng(seed, name) {
  const next = rngStream(seed, name);
  const r = {
    next,
    chance: (p) => next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    float: (min, max) => min + next() * (max - min),
    sample: (items, n) => {
      const copy = [...items];
      const out = [];
      while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
  return r;
}
