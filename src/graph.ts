/**
 * The job graph: who consumes whose output, in an order that can run, with each job's fingerprint.
 *
 * buildGraph is pure: asset content hashes come in as a map; `hashAssets` (at the end, the only I/O here)
 * reads the files. The manifest stage
 * already rejects unknown references and cycles with precise ranges; the checks here are the backstop,
 * so a graph that exists is always acyclic and closed.
 */
import { dirname, resolve } from 'node:path';
import { closest } from './catalog.js';
import { sha256File } from './hash.js';
import { err, ok, type Diagnostic, type Result } from './diagnostic.js';
import { fingerprintRecord, hashRecord, type FingerprintRecord } from './fingerprint.js';
import type { Fingerprint, GraphNode, JobGraph, JobId, ResolvedJob, ResolvedManifest } from './model.js';

/** A JobGraph plus the record behind every fingerprint (the plan uses it to explain changes). */
export interface BuiltGraph extends JobGraph {
  records: ReadonlyMap<JobId, FingerprintRecord>;
}

/** The jobs a job consumes, each once, in the order its inputs name them. */
export function jobDependencies(job: ResolvedJob): JobId[] {
  const deps: JobId[] = [];
  for (const ref of Object.values(job.inputs)) if (ref.type !== 'asset' && !deps.includes(ref.job)) deps.push(ref.job);
  return deps;
}

export function buildGraph(
  manifest: ResolvedManifest,
  contentHashes: ReadonlyMap<string, string>,
): Result<BuiltGraph, Diagnostic[]> {
  const { jobs } = manifest;
  const diagnostics: Diagnostic[] = [];
  const indexOf = new Map<JobId, number>();
  jobs.forEach((job, i) => {
    if (!indexOf.has(job.id)) indexOf.set(job.id, i);
    else diagnostics.push({ severity: 'error', code: 'duplicate-job', message: `job "${job.id}" is defined twice`, location: job.location });
  });
  const unknownJob = (id: string, where: string, location: Diagnostic['location']): void => {
    const guess = closest(id, indexOf.keys());
    diagnostics.push({
      severity: 'error',
      code: 'unknown-job',
      message: `${where} refers to unknown job "${id}"`,
      ...(location ? { location } : {}),
      ...(guess ? { hint: `did you mean "${guess}"?` } : {}),
    });
  };

  const deps = jobs.map(jobDependencies);
  jobs.forEach((job, i) => {
    for (const dep of deps[i]!) if (!indexOf.has(dep)) unknownJob(dep, `job "${job.id}"`, job.location);
    for (const [field, ref] of Object.entries(job.inputs))
      if (ref.type === 'asset' && !contentHashes.has(ref.file))
        diagnostics.push({
          severity: 'error',
          code: 'asset-unhashed',
          message: `job "${job.id}" input ${field}: cannot read asset ${ref.name} (${ref.file})`,
          location: job.location,
        });
  });
  for (const step of manifest.post)
    for (const id of step.inputs) if (!indexOf.has(id)) unknownJob(id, `post step ${step.kind}`, step.location);
  if (diagnostics.length > 0) return err(diagnostics);

  const order = topologicalOrder(jobs.length, deps.map((ds) => ds.map((d) => indexOf.get(d)!)));
  if (order.length < jobs.length) return err(cycleDiagnostics(jobs, deps, indexOf, new Set(order)));

  const byId = new Map<JobId, GraphNode>();
  const records = new Map<JobId, FingerprintRecord>();
  const nodes: GraphNode[] = [];
  for (const i of order) {
    const job = jobs[i]!;
    const { record } = fingerprintRecord(job, (file) => contentHashes.get(file), (id) => byId.get(id)?.fingerprint);
    const node: GraphNode = { job, dependsOn: deps[i]!, dependents: [], fingerprint: hashRecord(record) };
    nodes.push(node);
    byId.set(job.id, node);
    records.set(job.id, record);
  }
  // Dependents in manifest order, whatever the topological order is.
  jobs.forEach((job, i) => {
    if (indexOf.get(job.id) !== i) return;
    for (const dep of deps[i]!) byId.get(dep)!.dependents.push(job.id);
  });
  return ok({ manifest, nodes, byId, records });
}

/**
 * Kahn's algorithm over indices; among ready nodes the one first in the manifest goes first, so the
 * order is stable. Returns fewer indices than nodes when there is a cycle.
 */
function topologicalOrder(count: number, deps: number[][]): number[] {
  const indegree = deps.map((ds) => ds.length);
  const dependents: number[][] = Array.from({ length: count }, () => []);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d]!.push(i)));
  const ready = new MinHeap();
  indegree.forEach((n, i) => n === 0 && ready.push(i));
  const order: number[] = [];
  for (let i = ready.pop(); i !== undefined; i = ready.pop()) {
    order.push(i);
    for (const j of dependents[i]!) if (--indegree[j]! === 0) ready.push(j);
  }
  return order;
}

/**
 * One diagnostic per cycle among the jobs the sort could not place. From each unplaced job, follow its
 * first unplaced dependency until a job repeats: the repeated stretch is a cycle.
 */
function cycleDiagnostics(
  jobs: ResolvedJob[],
  deps: JobId[][],
  indexOf: ReadonlyMap<JobId, number>,
  placed: ReadonlySet<number>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<number>();
  for (let start = 0; start < jobs.length; start++) {
    if (placed.has(start) || seen.has(start) || indexOf.get(jobs[start]!.id) !== start) continue;
    const path: number[] = [];
    const onPath = new Map<number, number>();
    let at: number | undefined = start;
    while (at !== undefined && !seen.has(at)) {
      seen.add(at);
      onPath.set(at, path.length);
      path.push(at);
      at = deps[at]!.map((d) => indexOf.get(d)!).find((d) => !placed.has(d));
    }
    if (at === undefined || !onPath.has(at)) continue;
    const cycle = path.slice(onPath.get(at));
    // Start at the job written first, so the message does not depend on where the walk began.
    const first = cycle.indexOf(Math.min(...cycle));
    const ordered = [...cycle.slice(first), ...cycle.slice(0, first)].map((i) => jobs[i]!);
    const names = [...ordered, ordered[0]!].map((j) => j.id);
    diagnostics.push({
      severity: 'error',
      code: 'cycle',
      message: `jobs depend on each other in a cycle: ${names.join(' → ')}`,
      location: ordered[0]!.location,
      related: ordered.map((job, k) => ({ message: `${job.id} uses the output of ${names[k + 1]}`, location: job.location })),
    });
  }
  return diagnostics;
}

/** The given jobs and every job that transitively consumes their output. */
export function dependentsClosure(graph: JobGraph, ids: Iterable<JobId>): Set<JobId> {
  const out = new Set<JobId>();
  const stack = [...ids].filter((id) => graph.byId.has(id));
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const d of graph.byId.get(id)!.dependents) if (!out.has(d)) stack.push(d);
  }
  return out;
}

/** The fingerprint of a job, for callers holding only ids. */
export const fingerprintOf = (graph: JobGraph, id: JobId): Fingerprint | undefined => graph.byId.get(id)?.fingerprint;

/** A binary min-heap of non-negative integers (manifest indices). */
class MinHeap {
  private readonly items: number[] = [];
  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l]! < a[m]!) m = l;
      if (r < a.length && a[r]! < a[m]!) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i]!, a[m]!];
      i = m;
    }
    return top;
  }
}

/**
 * The sha256 of every asset file the jobs use, keyed by the file as the manifest resolved it (relative
 * files are read from the manifest's directory). Files are streamed, a few at a time; a file that cannot
 * be read is left out, and buildGraph reports it where the job uses it.
 */
export async function hashAssets(manifest: ResolvedManifest, concurrency = 8): Promise<Map<string, string>> {
  const files = new Set<string>();
  for (const job of manifest.jobs) for (const ref of Object.values(job.inputs)) if (ref.type === 'asset') files.add(ref.file);
  const base = dirname(manifest.file);
  const pending = [...files];
  const hashes = new Map<string, string>();
  const worker = async (): Promise<void> => {
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      const sha = await sha256File(resolve(base, file)).catch(() => undefined);
      if (sha !== undefined) hashes.set(file, sha);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return hashes;
}

