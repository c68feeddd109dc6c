/**
 * The reads behind `plan` and `graph`: config, catalog, manifest, asset hashes, the lock file and which
 * outputs exist. Everything here gathers inputs; the decisions are in graph.ts and plan.ts.
 */
import { dirname, resolve } from 'node:path';
import { readPriceFactors, type PriceFactorsRead } from './api/features.js';
import { backendKindFor } from './backend-kind.js';
import { loadCatalog, type Catalog } from './catalog.js';
import { loadProjectConfig, type ProjectConfig } from './config.js';
import type { Diagnostic } from './diagnostic.js';
import { buildGraph, hashAssets, type BuiltGraph } from './graph.js';
import { measureMedia, type MediaLengths } from './media-lengths.js';
import type { LockFile, Plan, ResolvedManifest } from './model.js';
import { plan } from './plan.js';
import { isEmptySelection, selectJobs, subGraph, type Selection, type SelectionSummary } from './select.js';
import { claimConflicts } from './state/output-claim.js';
import { verifiedOutputs } from './state/output-index.js';
import { readState as readStoreState } from './state/open-store.js';
import { isStateError, type StateSnapshot } from './state/store.js';
import { lockForVersions, openForVersions, type WantedJob } from './state/versions.js';
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
        /** What --only/--exclude kept, when they were given. */
        selection?: SelectionSummary;
      }
    | { ok: false; configFile?: string }
  );
export type PlanOutcome = Sources & ({ ok: true; plan: Plan; graph: BuiltGraph; selection?: SelectionSummary } | { ok: false });

export interface PlanOptions {
  /**
   * Off-peak price factor (e.g. a plan's `off_peak_discount`), or 'unknown' (priced as standard). Default:
   * read from GET features when the backend is the real API (its token set), else the catalog's (1).
   */
  offPeakMultiplier?: number | 'unknown';
  /** Preview-mode price factor, the same way. */
  previewMultiplier?: number | 'unknown';
  /** Environment to read the token from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Overrides the manifest's budget. */
  budgetCredits?: number;
  /** Default: the current time. */
  now?: Date;
  /** Default: what `render` would choose (see backendKindFor). */
  backend?: 'sim' | 'useapi';
  /** The API base URL to read the account's price factors from (render's --api-url); default: the config's. */
  apiUrl?: string;
  /** Plan only these jobs (and what they need). */
  select?: Selection;
}

export interface GraphOptions {
  /**
   * Rewrites the resolved manifest before asset hashes and the graph (watch --preview forces cheap settings
   * and moves outputs aside). Job ids and references must stay as they are.
   */
  adjust?: (manifest: ResolvedManifest, catalog: Catalog) => ResolvedManifest;
  /** Keep only these jobs (and what they need): --only / --exclude. */
  select?: Selection;
  /** The backend whose template lists names resolve against (default: what `render` would choose). */
  templates?: TemplateBackend;
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
  const built = buildGraph(manifest, hashes);
  if (!built.ok) return { ...failed, diagnostics: [...diagnostics, ...built.error] };
  let graph = built.value;
  let selection: SelectionSummary | undefined;
  if (options.select && !isEmptySelection(options.select)) {
    const selected = selectJobs(graph, options.select);
    if (!selected.ok) return { ...failed, diagnostics: [...diagnostics, ...selected.error] };
    graph = subGraph(graph, selected.value.keep);
    selection = selected.value.summary;
  }
  const media = await measureMedia(graph.manifest, hashes);
  return { ok: true, graph, catalog, config: cfg.config, media, ...(cfg.file ? { configFile: cfg.file } : {}), ...(selection ? { selection } : {}), diagnostics, sources: loaded.sources };
}

/** loadGraph, then the lock and the outputs on disk, then the pure plan. */
export async function planManifest(manifestFile: string, options: PlanOptions = {}): Promise<PlanOutcome> {
  const loaded = await loadGraph(manifestFile, options.select ? { select: options.select } : {});
  if (!loaded.ok) return loaded;
  const { graph, catalog, sources } = loaded;
  const state = await readState(manifestFile, loaded.config.store);
  if (!state.ok) return { ok: false, diagnostics: [...loaded.diagnostics, state.diagnostic], sources };
  const { lock } = ofVersions(graph, state.snapshot);
  const pending = openForVersions(state.snapshot, wantedVersions(graph));
  const diagnostics = [...loaded.diagnostics, ...(await claimConflicts(graph.manifest))];
  const outputsPresent = await presentOutputs(graph, lock);
  const env = options.env ?? process.env;
  const backend = backendKindFor(loaded.config, env, options.backend, options.apiUrl);
  const read = options.offPeakMultiplier === undefined && backend === 'useapi' ? await accountFactors(loaded.config, env, options.apiUrl) : undefined;
  const offPeakMultiplier = options.offPeakMultiplier ?? read?.offPeak;
  const previewMultiplier = options.previewMultiplier ?? read?.preview;
  const result = plan({
    graph,
    lock,
    outputsPresent,
    catalog,
    media: loaded.media,
    now: options.now ?? new Date(),
    backend,
    open: pending,
    ...(offPeakMultiplier !== undefined ? { offPeakMultiplier } : {}),
    ...(previewMultiplier !== undefined ? { previewMultiplier } : {}),
    ...(options.budgetCredits !== undefined ? { budgetCredits: options.budgetCredits } : {}),
  });
  // An intent without a video id may or may not have created a job: render looks it up before submitting.
  for (const job of result.jobs) {
    const open = pending.get(job.id);
    if ((job.action === 'render' || job.action === 'stale') && !job.inFlight && open?.fingerprint === job.fingerprint)
      job.reason = `${job.reason ?? 'no lock entry'}; an earlier submission may exist, render looks it up first`;
  }
  return { ok: true, plan: result, graph, diagnostics, sources, ...(loaded.selection ? { selection: loaded.selection } : {}) };
}

/** Open submissions of the graph's jobs (under a selection, those of other jobs are left alone). */
export function onlyJobsOf<T>(graph: BuiltGraph, pending: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...pending].filter(([id]) => graph.byId.has(id as never)));
}

/** The version of each job the graph asks for. */
export function wantedVersions(graph: BuiltGraph): WantedJob[] {
  return graph.nodes.map((n) => ({ id: n.job.id, fingerprint: n.fingerprint, output: n.job.output }));
}

/** The state as this checkout's versions see it: each job's lock entry is the render of its version when one is known (versions.ts). */
export function ofVersions(graph: BuiltGraph, snapshot: StateSnapshot): StateSnapshot {
  return { ...snapshot, lock: lockForVersions(snapshot, wantedVersions(graph), dirname(resolve(graph.manifest.file))) };
}

/**
 * The account's price factors (GET features), as `render` reads them, for a plan against the real API.
 * No token: nothing to read (the catalog's factor, no discount, is planned). Any failure, a refused
 * token included: unknown (planned without a discount, and noted); `render` reports a refused token.
 */
async function accountFactors(config: ProjectConfig, env: NodeJS.ProcessEnv, apiUrl = config.apiUrl): Promise<PriceFactorsRead | undefined> {
  const token = env[config.tokenEnv ?? 'USEAPI_TOKEN'];
  if (!token) return undefined;
  // The HTTP client loads only when there is an account to ask (a plan on the simulator starts without it).
  const { PixverseClient } = await import('./api/client.js');
  const api = new PixverseClient({ baseUrl: apiUrl ?? 'https://api.useapi.net/v2/pixverse', token });
  try {
    return await readPriceFactors(api, config.accounts?.[0]?.email, {});
  } catch {
    return { offPeak: 'unknown', preview: 'unknown' };
  } finally {
    await api.close();
  }
}

/**
 * The lock file with the journal's completions replayed (what `render` would see), read without taking
 * the run lock so `plan` works while a render is going on.
 */
async function readState(manifestFile: string, configured: string | undefined): Promise<{ ok: true; snapshot: StateSnapshot } | { ok: false; diagnostic: Diagnostic }> {
  try {
    return { ok: true, snapshot: await readStoreState(resolve(manifestFile), configured ? { configured } : {}) };
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
