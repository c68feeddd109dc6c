/**
 * Job ids and references to jobs.
 *
 * Ids: `intro` (a job), `intro.1` (its first then-step), `variants[style=clay,seed=1]` (a matrix cell),
 * `variants[style=clay,seed=1].2` (a step of a cell).
 * References: `intro` means the END of intro's then-chain (its last step, or the job itself without
 * steps); `intro.N` names step N; `intro.0` the job's own render. A cell may list its keys in any order.
 * A reference to a whole matrix job (`variants`) is an error in job inputs, and means every cell in `post`.
 */
import { jobId, type JobId } from '../model.js';
import type { JobSpec, Scalar } from './types.js';

export interface Chain {
  /** The job's own render (step 0). */
  base: JobId;
  /** Ids of the then-steps, `<base>.1` … */
  steps: JobId[];
}

export interface Cell {
  values: Record<string, Scalar>;
  chain: Chain;
}

export interface IndexedJob {
  name: string;
  /** Present for matrix jobs: the cells in expansion order. */
  cells?: Cell[];
  /** Present for plain jobs. */
  chain?: Chain;
  /** The job failed schema validation: references to it are accepted without checks. */
  broken?: boolean;
}

export type JobRefResult =
  | { type: 'job'; id: JobId; name: string }
  | { type: 'matrix'; name: string; cells: Cell[] }
  | { type: 'broken'; name: string }
  | { type: 'bad-step'; name: string; base: JobId; steps: number }
  | { type: 'bad-cell'; name: string; example: JobId }
  | { type: 'none' };

const REF = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\[([^\]]*)\])?(?:\.(\d+))?$/;

export const end = (chain: Chain): JobId => chain.steps[chain.steps.length - 1] ?? chain.base;

export function cellId(name: string, values: Record<string, Scalar>): string {
  return `${name}[${Object.entries(values)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',')}]`;
}

/** Cartesian product of the matrix, first key outermost, values in order. */
export function matrixCells(matrix: Record<string, Scalar[]>): Record<string, Scalar>[] {
  let cells: Record<string, Scalar>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    cells = cells.flatMap((cell) => values.map((v) => ({ ...cell, [key]: v })));
  }
  return cells;
}

export function chainOf(base: string, steps: number): Chain {
  return { base: jobId(base), steps: Array.from({ length: steps }, (_, i) => jobId(`${base}.${i + 1}`)) };
}

export class JobIndex {
  readonly jobs = new Map<string, IndexedJob>();

  constructor(specs: Record<string, JobSpec>, broken: ReadonlySet<string>) {
    for (const [name, spec] of Object.entries(specs)) {
      if (broken.has(name)) {
        this.jobs.set(name, { name, broken: true });
        continue;
      }
      const steps = spec.then?.length ?? 0;
      if (spec.matrix) {
        const cells = matrixCells(spec.matrix).map((values) => ({ values, chain: chainOf(cellId(name, values), steps) }));
        this.jobs.set(name, { name, cells });
      } else {
        this.jobs.set(name, { name, chain: chainOf(name, steps) });
      }
    }
  }

  /** Whether the text is shaped like a job reference to a job of this manifest. */
  isJobRef(text: string): boolean {
    const m = REF.exec(text.trim());
    return !!m && this.jobs.has(m[1]!);
  }

  resolve(text: string): JobRefResult {
    const m = REF.exec(text.trim());
    if (!m) return { type: 'none' };
    const [, name, cellText, stepText] = m as unknown as [string, string, string | undefined, string | undefined];
    const job = this.jobs.get(name);
    if (!job) return { type: 'none' };
    if (job.broken) return { type: 'broken', name };
    let chain: Chain;
    if (job.cells) {
      if (cellText === undefined) return { type: 'matrix', name, cells: job.cells };
      const wanted = parseCell(cellText);
      const cell = wanted && job.cells.find((c) => sameCell(c.values, wanted));
      if (!cell) return { type: 'bad-cell', name, example: end(job.cells[0]!.chain) };
      chain = cell.chain;
    } else {
      if (cellText !== undefined) return { type: 'bad-cell', name, example: end(job.chain!) };
      chain = job.chain!;
    }
    if (stepText === undefined) return { type: 'job', id: end(chain), name };
    const step = Number(stepText);
    if (step === 0) return { type: 'job', id: chain.base, name };
    const id = chain.steps[step - 1];
    if (!id) return { type: 'bad-step', name, base: chain.base, steps: chain.steps.length };
    return { type: 'job', id, name };
  }

  /** Every job id in manifest order (cells and steps in place). */
  allIds(): JobId[] {
    const ids: JobId[] = [];
    for (const job of this.jobs.values()) {
      for (const chain of job.cells?.map((c) => c.chain) ?? (job.chain ? [job.chain] : [])) ids.push(chain.base, ...chain.steps);
    }
    return ids;
  }
}

function parseCell(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function sameCell(values: Record<string, Scalar>, wanted: Map<string, string>): boolean {
  const entries = Object.entries(values);
  return entries.length === wanted.size && entries.every(([k, v]) => wanted.get(k) === String(v));
}
