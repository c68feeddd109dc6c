/**
 * An in-memory watch runtime: manifests load from memfs through the real loader, graph and plan; runs go to
 * a fake runner that records what it would submit. With FakeWatcher and FakeTimers, a whole session runs
 * with no disk, no network and no real time.
 */
import { createHash } from 'node:crypto';
import { memfs } from 'memfs';
import { loadCatalog } from '../../src/catalog.js';
import { buildGraph } from '../../src/graph.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { LockEntry, LockFile, Plan, PlannedJob } from '../../src/model.js';
import type { Backend, LoadOutcome, RunOptions, RunOutcome } from '../../src/pipeline.js';
import { plan as makePlan } from '../../src/plan.js';
import type { PendingJob } from '../../src/state/store.js';

export const catalog = loadCatalog();

/** A memfs project: `write` edits a file, `load` is the watch runtime's loader. */
export function memoryProject(files: Record<string, string | Buffer>) {
  const { fs } = memfs(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? v : v.toString('binary')])));
  const load = async (file: string): Promise<LoadOutcome> => {
    const result = await loadManifest(file, { fs: fs.promises as never, catalog, config: {} });
    if (!result.manifest) return { ok: false, diagnostics: result.diagnostics, sources: result.sources };
    const hashes = new Map<string, string>();
    for (const job of result.manifest.jobs)
      for (const input of Object.values(job.inputs))
        if (input.type === 'asset') hashes.set(input.file, createHash('sha256').update(fs.readFileSync(input.file) as Buffer).digest('hex'));
    const graph = buildGraph(result.manifest, hashes);
    if (!graph.ok) return { ok: false, diagnostics: graph.error, sources: result.sources };
    return { ok: true, graph: graph.value, catalog, config: {}, media: new Map(), diagnostics: result.diagnostics, sources: result.sources };
  };
  const stat = async (file: string) => {
    try {
      const s = fs.statSync(file);
      return { size: Number(s.size), mtimeMs: Number(s.mtimeMs) };
    } catch {
      return undefined;
    }
  };
  return { fs, load, stat, write: (file: string, text: string) => fs.writeFileSync(file, text) };
}

export const fakeBackend: Backend = { kind: 'sim', description: 'fake', api: {} as Backend['api'], slots: 8, timeScale: 1, close: async () => {} };

const renders = (j: PlannedJob) => j.action === 'render' || j.action === 'stale';

export interface FakeRun {
  plan: Plan;
  signal?: AbortSignal;
  /** Jobs this run submitted (POSTs). */
  submitted: string[];
  outcome?: RunOutcome['kind'];
}

/**
 * Stands in for runManifest. Each run plans against its in-memory lock (the real planner), asks onPlan,
 * submits the first wave (render/stale jobs with no dependency rendering in the same run) unless it already
 * has an open attempt with the same fingerprint, then — unless stopped — submits the rest and completes
 * everything. With `hold` set, a run waits after the first wave (jobs in flight) until `release()` or its
 * signal aborts; an aborted run leaves its submissions open, as the real executor leaves them in the journal.
 */
export class FakeRunner {
  lock: LockFile = { version: 1, jobs: {} };
  readonly pending = new Map<string, PendingJob>();
  readonly runs: FakeRun[] = [];
  hold = false;
  private release_?: () => void;

  release(): void {
    this.release_?.();
  }

  readonly run = async (_file: string, options: RunOptions): Promise<RunOutcome> => {
    const loaded = options.project!;
    const signal = options.signal;
    const plan = makePlan({ graph: loaded.graph, lock: this.lock, outputsPresent: new Set(Object.keys(this.lock.jobs)), catalog, now: new Date('2026-01-01T00:00:00Z') });
    const run: FakeRun = { plan, submitted: [], ...(signal ? { signal } : {}) };
    this.runs.push(run);
    if (plan.overBudget) return this.done(run, { kind: 'over-budget', plan });
    const snapshot = { lock: this.lock, pending: new Map(this.pending), uploads: new Map(), failed: new Map(), superseded: [] };
    if (options.onPlan?.(plan, snapshot) === false) return this.done(run, { kind: 'refused', plan });

    const rendering = new Set(plan.jobs.filter(renders).map((j) => j.id));
    let spent = 0;
    const submit = (wave: (job: PlannedJob) => boolean) => {
      for (const job of plan.jobs.filter(renders)) {
        if (this.pending.get(job.id)?.fingerprint === job.fingerprint) continue; // resumed, not resubmitted
        if (!wave(job) || signal?.aborted) continue;
        run.submitted.push(job.id);
        spent += job.cost;
        this.pending.set(job.id, { job: job.id, fingerprint: job.fingerprint, replyRef: `pixrender:${job.id}@x`, videoId: `v-${job.id}`, endpoint: job.endpoint, credits: job.cost, offPeak: false, since: 'now' });
      }
    };
    const firstWave = (job: PlannedJob) => !job.dependsOn.some((d) => rendering.has(d));
    submit(firstWave);
    if (this.hold && !signal?.aborted)
      await new Promise<void>((resolve) => {
        this.release_ = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    const summary = { done: 0, cached: plan.totals.cached, downloaded: 0, failed: 0, skipped: 0, pending: 0, creditsSpent: spent, creditsPlanned: plan.totals.credits, failures: [], elapsedSeconds: 0 };
    if (signal?.aborted) return this.done(run, { kind: 'ran', plan, summary: { ...summary, stopReason: 'interrupted' }, lock: this.lock, backend: 'fake' });
    submit((job) => !firstWave(job));
    summary.creditsSpent = spent;
    for (const job of plan.jobs.filter(renders)) {
      this.lock.jobs[job.id] = entryOf(job);
      this.pending.delete(job.id);
    }
    return this.done(run, { kind: 'ran', plan, summary: { ...summary, done: rendering.size }, lock: this.lock, backend: 'fake' });
  };

  private done(run: FakeRun, outcome: RunOutcome): RunOutcome {
    run.outcome = outcome.kind;
    return outcome;
  }
}

function entryOf(job: PlannedJob): LockEntry {
  return {
    fingerprint: job.fingerprint,
    kind: job.kind,
    endpoint: job.endpoint,
    params: { ...job.job.params },
    videoId: `v-${job.id}`,
    url: `https://media.example/${job.id}.mp4`,
    output: job.job.output,
    sha256: 'f'.repeat(64),
    size: 1000,
    credits: job.cost,
    offPeak: false,
    submittedAt: '2026-01-01T00:00:00Z',
    completedAt: '2026-01-01T00:01:00Z',
  };
}
