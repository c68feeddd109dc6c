// The fault plan of a seed: simulator faults (as a --faults spec), the accounts, a full disk or not,
// and when to kill -9 the render. Drawn from its own stream so the manifest does not shift it.
import { rng } from './rng.mjs';

const ERRORS = ['500', '502', '503', 'reset'];

export function faultPlan(seed) {
  const r = rng(seed, 'faults');
  const spec = [];
  const add = (p, item) => {
    if (r.chance(p)) spec.push(item());
  };
  add(0.5, () => `500=${r.float(0.01, 0.08).toFixed(3)}`);
  add(0.4, () => `reset=${r.float(0.01, 0.05).toFixed(3)}`);
  add(0.5, () => `reset-after=${r.float(0.01, 0.1).toFixed(3)}`);
  add(0.3, () => {
    const min = r.int(0, 20);
    return `latency=${min}-${min + r.int(0, 60)}`;
  });
  add(0.4, () => `truncate=${r.float(0.05, 0.3).toFixed(3)}`);
  add(0.3, () => `storm=${r.float(0.1, 0.5).toFixed(3)}`);
  add(0.2, () => {
    const from = r.int(0, 3000);
    return `storm-window=${from}-${from + r.int(200, 3000)}`;
  });
  // The reconcile lookups, the status poll and uploads failing on their own.
  add(0.4, () => `fail[GET scheduler]=${r.float(0.1, 0.6).toFixed(3)}:${r.pick(ERRORS)}`);
  add(0.4, () => `fail[GET videos]=${r.float(0.1, 0.6).toFixed(3)}:${r.pick(ERRORS)}`);
  add(0.2, () => `fail[GET videos/{video_id}]=${r.float(0.05, 0.3).toFixed(3)}:${r.pick(ERRORS)}`);
  add(0.2, () => `fail[POST files]=${r.float(0.05, 0.2).toFixed(3)}:${r.pick(['500', 'reset', 'reset-after'])}`);
  add(0.15, () => `fail[GET scheduler/available]=${r.float(0.05, 0.3).toFixed(3)}:${r.pick(ERRORS)}`);

  const kills = [];
  const killCount = r.pick([0, 1, 1, 2, 2, 3]);
  for (let i = 0; i < killCount; i++) {
    kills.push(r.chance(0.5) ? { at: 'accepted', more: r.int(1, 3) } : { at: 'time', ms: r.int(50, 4000) });
  }
  return {
    spec: spec.join(','),
    accounts: r.pick([1, 1, 2]),
    maxJobs: r.int(2, 5),
    kills,
    /** Bytes free on the project's tmpfs for the first run, or undefined for no full disk. */
    diskFreeBytes: r.chance(0.12) ? r.int(0, 400_000) : undefined,
  };
}

/** Fault kinds named in a spec, for the campaign's summary. */
export function faultKinds(spec) {
  return spec ? spec.split(',').map((item) => item.slice(0, item.indexOf('='))) : [];
}
