/**
 * How many jobs a manifest expands to, counted before any matrix cell is built: the product of a
 * matrix's value counts (stopping as soon as it passes the limit, so it cannot overflow) times the job
 * and its then-steps. Jobs over a limit are skipped by the later stages, like jobs with schema errors.
 */
import type { Diagnostic } from '../diagnostic.js';
import { LIMITS } from './limits.js';
import type { SourceMap } from './source.js';
import type { JobSpec } from './types.js';

export interface SizeCheck {
  diagnostics: Diagnostic[];
  /** Jobs not to expand. */
  skipped: Set<string>;
}

/** Cells of a matrix, or `Infinity` once the product passes `cap`. */
export function matrixProduct(matrix: Record<string, readonly unknown[]> | undefined, cap: number): number {
  let cells = 1;
  for (const values of Object.values(matrix ?? {})) {
    cells *= values.length;
    if (cells > cap) return Infinity;
  }
  return cells;
}

export function checkJobCounts(jobs: Record<string, JobSpec>, source: SourceMap, broken: ReadonlySet<string>): SizeCheck {
  const diagnostics: Diagnostic[] = [];
  const skipped = new Set<string>();
  let total = 0;
  let over = false;
  for (const [name, spec] of Object.entries(jobs)) {
    if (broken.has(name)) continue;
    if (over) {
      skipped.add(name);
      continue;
    }
    const cells = matrixProduct(spec.matrix, LIMITS.matrixCellsPerJob);
    if (cells === Infinity) {
      skipped.add(name);
      diagnostics.push({
        severity: 'error',
        code: 'matrix-too-large',
        message: `this matrix has more than ${LIMITS.matrixCellsPerJob} cells (the product of its value counts)`,
        location: source.childKey(['jobs', name], 'matrix'),
        hint: 'split it into several jobs, or use fewer values per key',
      });
      continue;
    }
    total += cells * (1 + (spec.then?.length ?? 0));
    if (total > LIMITS.jobsPerManifest) {
      over = true;
      skipped.add(name);
      diagnostics.push({
        severity: 'error',
        code: 'too-many-jobs',
        message: `the manifest expands to more than ${LIMITS.jobsPerManifest} jobs (matrix cells and then-steps included) by this job; it and the jobs after it are not checked`,
        location: source.key(['jobs', name]),
        hint: 'split the manifest into several files',
      });
    }
  }
  return { diagnostics, skipped };
}
