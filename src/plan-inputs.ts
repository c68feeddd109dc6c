/**
 * The reads behind `plan` and `graph`: config, catalog, manifest, asset hashes, the lock file and which
 * outputs exist. Everything here gathers inputs; the decisions are in graph.ts and plan.ts.
 */
import { dirname, resolve } from 'node:path';
import { loadCatalog, type Catalog } from './catalog.js';
import { loadProjectConfig, type ProjectConfig } from './config.js';
import type { Diagnostic } from './diagnostic.js';
import { buildGraph, hashAssets, type BuiltGraph } from './graph.js';
import { measureMedia, type MediaLengths } from './media-lengths.js';
import type { LockFile, Plan, ResolvedManifest } from './model.js';
import { plan } from './plan.js';
import { claimConflicts } from './state/output-claim.js';
import { verifiedOutputs } from './state/output-index.js';
import { isStateError, readStateSnapshot, type StateSnapshot } from './state/store.js';
import { loadWithTemplates, type TemplateBackend } from './templates/source.js';

export interface Sources {
  /** File name → text, for formatting diagnostics. */
  sources: Map<string, string>;
  /** Warnings (and, on failure, errors) from every stage. */
  diagnostics: Diagnostic[];
}
export type GraphOutcome = Sources &
  (
    | {
        ok: true;
        graph: BuiltGraph;
        catalog: Catalog;
        config: ProjectConfig;
        /** Measured lengths of the local media jobs consume (priced by length). */
        media: MediaLengths;
        /** The project config file, if any. */
        configFile?: string;
      }
    | { ok: false; configFile?: string }
  );
export type PlanOutcome = Sources & ({ ok: true; plan: Plan; graph: BuiltGraph } | { ok: false });

export interface PlanOptions {
  /** Off-peak price factor (e.g. a plan's `off_peak_discount`), or 'unknown' (priced as standard); default: the catalog's. */
  offPeakMultiplier?: number | 'unknown';
  /** Overrides the manifest's budget. */
  budgetCredits?: number;
  /** Default: the current time. */
  now?: Date;
  /** Default: what `render` would choose (see backendKindFor). */
  backend?: 'sim' | 'useapi';
}

export interface GraphOptions {
  /**
   * Rewrites the resolved manifest before asset hashes and the graph (watch --preview forces cheap settings
   * and moves outputs aside). Job ids and references must stay as they are.
   */
  adjust?: (manifest: ResolvedManifest, catalog: Catalog) => ResolvedManifest;
  /** The backend whose template lists names resolve against (default: what `render` would choose). */
  templates?: TemplateBackend;
}

/**
 * The backend a run would use: a token (in the variable config names, default USEAPI_TOKEN) or an
 * explicit API URL means the real API; otherwise the embedded simulator.
 */
export function backendKindFor(
  config: ProjectConfig,
  env: NodeJS.ProcessEnv,
  choice: 'auto' | 'sim' | 'useapi' = config.backend ?? 'auto',
  apiUrl?: string,
): 'sim' | 'useapi' {
  if (choice !== 'auto') return choice;
  return env[config.tokenEnv ?? 'USEAPI_TOKEN'] || apiUrl ? 'useapi' : 'sim';
}

/** Config → catalog → manifest → asset hashes → graph, and the lengths of local media. */
export async function loadGraph(manifestFile: string, options: GraphOptions = {}): Promise<GraphOutcome> {
  const file = resolve(manifestFile);
  const cfg = await loadProjectConfig(dirname(file));
  const catalog = loadCatalog(cfg.config.catalog as Parameters<typeof loadCatalog>[0]);
  // The path as given, so diagnostics name the file the way the user wrote it.
  const loaded = await loadWithTemplates(manifestFile, { config: cfg.config, catalog }, options.templates);
  const diagnostics = [...cfg.diagnostics, ...loaded.diagnostics];
  const failed = { ok: false as const, diagnostics, sources: loaded.sources, ...(cfg.file ? { configFile: cfg.file } : {}) };
  if (!loaded.manifest || diagnostics.some((d) => d.severity === 'error')) return failed;
  const manifest = options.adjust ? options.adjust(loaded.manifest, catalog) : loaded.manifest;
  const hashes = await hashAssets(manifest);
  const graph = buildGraph(manifest, hashes);
  if (!graph.ok) return { ...failed, diagnostics: [...diagnostics, ...graph.error] };
  const media = await measureMedia(manifest, hashes);
  return { ok: true, graph: graph.value, catalog, config: cfg.config, media, ...(cfg.file ? { configFile: cfg.file } : {}), diagnostics, sources: loaded.sources };
}

/** loadGraph, then the lock and the outputs on disk, then the pure plan. */
export async function planManifest(manifestFile: string, options: PlanOptions = {}): Promise<PlanOutcome> {
  const loaded = await loadGraph(manifestFile);
  if (!loaded.ok) return loaded;
  const { graph, catalog, sources } = loaded;
  const state = await readState(manifestFile);
  if (!state.ok) return { ok: false, diagnostics: [...loaded.diagnostics, state.diagnostic], sources };
  const { lock, pending } = state.snapshot;
  const diagnostics = [...loaded.diagnostics, ...(await claimConflicts(graph.manifest))];
  const outputsPresent = await presentOutputs(graph, lock);
  const result = plan({
    graph,
    lock,
    outputsPresent,
    catalog,
    media: loaded.media,
    now: options.now ?? new Date(),
    backend: options.backend ?? backendKindFor(loaded.config, process.env),
    open: pending,
    ...(options.offPeakMultiplier !== undefined ? { offPeakMultiplier: options.offPeakMultiplier } : {}),
    ...(options.budgetCredits !== undefined ? { budgetCredits: options.budgetCredits } : {}),
  });
  // An intent without a video id may or may not have created a job: render looks it up before submitting.
  for (const job of result.jobs) {
    const open = pending.get(job.id);
    if ((job.action === 'render' || job.action === 'stale') && !job.inFlight && open?.fingerprint === job.fingerprint)
      job.reason = `${job.reason ?? 'no lock entry'}; an earlier submission may exist, render looks it up first`;
  }
  return { ok: true, plan: result, graph, diagnostics, sources };
}

/**
 * The lock file with the journal's completions replayed (what `render` would see), read without taking
 * the run lock so `plan` works while a render is going on.
 */
async function readState(manifestFile: string): Promise<{ ok: true; snapshot: StateSnapshot } | { ok: false; diagnostic: Diagnostic }> {
  try {
    return { ok: true, snapshot: await readStateSnapshot(resolve(manifestFile)) };
  } catch (error) {
    if (!isStateError(error)) throw error;
    return { ok: false, diagnostic: { severity: 'error', code: error.code, message: error.message } };
  }
}

/**
 * Jobs whose output file exists where the manifest puts it now and is the file the lock recorded (size and
 * sha256, checked through a local stat index so unchanged files are not hashed again: state/output-index.ts).
 */
export async function presentOutputs(graph: BuiltGraph, lock: LockFile): Promise<Set<string>> {
  const base = dirname(graph.manifest.file);
  const checks = graph.nodes.flatMap(({ job }) => {
    const entry = Object.hasOwn(lock.jobs, job.id) ? lock.jobs[job.id] : undefined;
    return entry ? [{ id: job.id, file: resolve(base, job.output), ...(typeof entry.size === 'number' ? { size: entry.size } : {}), ...(entry.sha256 ? { sha256: entry.sha256 } : {}) }] : [];
  });
  return verifiedOutputs(resolve(graph.manifest.file), checks);
}
