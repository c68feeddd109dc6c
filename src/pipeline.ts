/**
 * The library's main entry: manifest file → config → validated manifest → graph → plan → execute.
 * Reads and backend set-up happen here; every stage it calls is a plain function of typed values.
 */
import { dirname, join, resolve } from 'node:path';
import type { PixverseApi } from './api/api.js';
import { PixverseClient } from './api/client.js';
import { isApiError } from './api/errors.js';
import { probeSimulator } from './api/identity.js';
import { readPriceFactors, type PriceFactorsRead } from './api/features.js';
import { retryRead, type ReadRetry } from './api/retry-read.js';
import type { Catalog } from './catalog.js';
import type { ProjectConfig } from './config.js';
import type { Diagnostic } from './diagnostic.js';
import type { EventSink, RunSummary } from './events.js';
import { execute, type Tuning } from './execute/index.js';
import type { LockFile, Plan, ResolvedManifest } from './model.js';
import { plan as makePlan, type PlanInput } from './plan.js';
import { backendKindFor } from './backend-kind.js';
import { shownUrl } from './redact.js';
import { httpUrlProblem } from './url.js';
import { loadGraph, ofVersions, onlyJobsOf, presentOutputs, wantedVersions, type GraphOutcome } from './plan-inputs.js';
import type { Selection, SelectionSummary } from './select.js';
import type { Simulator } from './sim/index.js';
import { claimOutputs } from './state/output-claim.js';
import { defaultStateDir, runLayout } from './state/layout.js';
import { openStore } from './state/open-store.js';
import { writeRootsOf } from './state/contained.js';
import { boundedDownloads } from './api/bounded.js';
import { recordWritten } from './state/written.js';
import type { PendingJob, StateSnapshot, StateStore } from './state/store.js';
import { displacedEntries, openForVersions } from './state/versions.js';
import type { TemplateBackend } from './templates/source.js';

export type BackendChoice = 'auto' | 'sim' | 'useapi';

export interface BackendOptions {
  backend?: BackendChoice;
  /** API base URL; overrides project config. */
  apiUrl?: string;
  /** Environment to read the token from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Embedded simulator's time scale (default: project config `sim.timeScale`, else 0.02). */
  simTimeScale?: number;
  /** How the first reads (slots, accounts, off-peak factor) retry transient failures. */
  readRetry?: ReadRetry;
}

export interface Backend {
  kind: 'sim' | 'useapi';
  /** A description safe to print (never contains the token). */
  description: string;
  api: PixverseApi;
  slots: number;
  timeScale: number;
  /** The plan's off-peak factor; 'unknown' when GET features could not be read (off-peak planned as standard). */
  offPeakMultiplier?: number | 'unknown';
  /** The plan's preview-mode factor, the same way. */
  previewMultiplier?: number | 'unknown';
  /** An account for requests that need one when several are configured (POST files). */
  email?: string;
  /** The accounts and their maxJobs, when known: a shared store divides these slots among runners. */
  accounts?: { email: string; maxJobs: number }[];
  /** A simulator reached by URL (it named itself), not one this process started. */
  standalone?: boolean;
  close(): Promise<void>;
}

export type Loaded = Extract<GraphOutcome, { ok: true }>;
export type LoadOutcome = GraphOutcome;
/** Config, catalog, manifest, asset hashes and graph: everything a plan needs but the lock. */
export const loadProject = loadGraph;

export function planFor(loaded: Loaded, lock: LockFile, present: Set<string>, offPeakMultiplier?: number | 'unknown', backend?: 'sim' | 'useapi', open?: PlanInput['open'], previewMultiplier?: number | 'unknown'): Plan {
  const budget = loaded.graph.manifest.budgetCredits;
  return makePlan({
    graph: loaded.graph,
    lock,
    outputsPresent: present,
    catalog: loaded.catalog,
    media: loaded.media,
    now: new Date(),
    ...(backend ? { backend } : {}),
    ...(open ? { open } : {}),
    ...(offPeakMultiplier !== undefined ? { offPeakMultiplier } : {}),
    ...(previewMultiplier !== undefined ? { previewMultiplier } : {}),
    ...(budget !== undefined ? { budgetCredits: budget } : {}),
  });
}

/** Chooses the backend: a token → the real API; no token → the embedded simulator. */
export async function openBackend(config: ProjectConfig, catalog: Catalog, options: BackendOptions & { stateDir: string }): Promise<Backend> {
  const env = options.env ?? process.env;
  const tokenEnv = config.tokenEnv ?? 'USEAPI_TOKEN';
  const token = env[tokenEnv];
  const apiUrl = options.apiUrl ?? config.apiUrl;
  if (backendKindFor(config, env, options.backend, options.apiUrl) === 'useapi') {
    if (!token) throw new BackendError(`no API token: set ${tokenEnv} (or choose --backend sim)`);
    const baseUrl = apiUrl ?? 'https://api.useapi.net/v2/pixverse';
    // The CLI checks --api-url when it parses flags; a config's apiUrl (or a library caller's) is checked here.
    const problem = httpUrlProblem(baseUrl);
    if (problem) throw new BackendError(`the API URL "${shownUrl(baseUrl, [token])}" ${problem}: give an http(s) URL such as https://api.useapi.net/v2/pixverse`);
    const api = new PixverseClient({ baseUrl, token });
    const retry = options.readRetry ?? {};
    let slots: number, email: string | undefined, factors: PriceFactorsRead, accounts: { email: string; maxJobs: number }[];
    try {
      accounts = config.accounts?.length
        ? config.accounts.map(({ email, maxJobs }) => ({ email, maxJobs }))
        : await retryRead(() => api.getSchedulerAvailable(), retry).then((a) => a.available.map(({ email, maxJobs }) => ({ email, maxJobs })));
      slots = accounts.reduce((sum, a) => sum + a.maxJobs, 0);
      email = (await accountEmails(api, config, retry))[0];
      factors = await readPriceFactors(api, email, retry);
    } catch (error) {
      await api.close();
      throw error;
    }
    // A simulator at --api-url says so (and its time scale): its renders are recorded as simulated.
    const simulator = apiUrl && !apiUrl.startsWith('https://api.useapi.net') ? await probeSimulator(baseUrl, token) : undefined;
    const timeScale = options.simTimeScale ?? simulator?.timeScale ?? config.sim?.timeScale ?? 1;
    return {
      kind: simulator ? 'sim' : 'useapi',
      ...(simulator ? { standalone: true } : {}),
      description: simulator ? `simulator at ${shownUrl(baseUrl, [token])} (time scale ${timeScale})` : `API ${shownUrl(baseUrl, [token])} (token from $${tokenEnv})`,
      api,
      slots: Math.max(1, slots),
      timeScale: apiUrl && !apiUrl.startsWith('https://api.useapi.net') ? timeScale : 1,
      offPeakMultiplier: factors.offPeak,
      previewMultiplier: factors.preview,
      accounts,
      ...(email ? { email } : {}),
      close: () => api.close(),
    };
  }
  const timeScale = options.simTimeScale ?? config.sim?.timeScale ?? 0.02;
  const accounts = config.sim?.accounts ?? 1;
  const maxJobs = config.sim?.maxJobs ?? 8;
  // The simulator (and its media generation) loads only when a run uses it.
  const { startSimulator } = await import('./sim/index.js');
  const sim: Simulator = await startSimulator({
    timeScale,
    accounts,
    maxJobs,
    credits: config.sim?.credits ?? 15_000,
    // A demo should not wait an hour of simulated off-peak time: 10 minutes, scaled.
    offPeakWaitSeconds: config.sim?.offPeakWaitSeconds ?? 600,
    stateFile: join(options.stateDir, 'simulator.json'),
    catalog,
  });
  const api = new PixverseClient({ baseUrl: sim.url, token: sim.token });
  // The simulator serves its plan's factors like the real API: the plan reads them the same way.
  const factors = await readPriceFactors(api, sim.emails[0], options.readRetry ?? {}).catch(async (error: unknown) => {
    await api.close();
    await sim.close();
    throw error;
  });
  return {
    kind: 'sim',
    description: `embedded simulator at ${sim.url}`,
    api,
    slots: accounts * maxJobs,
    accounts: sim.emails.map((email) => ({ email, maxJobs })),
    timeScale,
    offPeakMultiplier: factors.offPeak,
    previewMultiplier: factors.preview,
    ...(sim.emails[0] ? { email: sim.emails[0] } : {}),
    close: async () => {
      await api.close();
      await sim.close();
    },
  };
}

/**
 * The configured accounts, else those the API lists. Uploads need the first when several accounts are
 * configured, so a read that keeps failing stops the run here (nothing was submitted yet) instead of
 * letting uploads go out without one.
 */
async function accountEmails(api: PixverseApi, config: ProjectConfig, retry: ReadRetry): Promise<string[]> {
  if (config.accounts?.length) return config.accounts.map((a) => a.email);
  // 404: no account configured at all (nothing to name); any other failure is thrown after the retries.
  const accounts = await retryRead(() => api.getAccounts(), retry).catch((error: unknown) => {
    if (isApiError(error, 'not-found')) return {};
    throw error;
  });
  return Object.keys(accounts);
}

export class BackendError extends Error {}

function templateBackendOf(o: BackendOptions): TemplateBackend {
  return { ...(o.backend ? { backend: o.backend } : {}), ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}), ...(o.env ? { env: o.env } : {}) };
}

export interface RunOptions extends BackendOptions {
  mode: 'render' | 'collect';
  /** Use this backend (e.g. one kept open across watch-mode runs) instead of opening one; it is not closed. */
  backendInstance?: Backend;
  noWait?: boolean;
  signal?: AbortSignal;
  onEvent?: EventSink;
  /** Called once the backend is chosen, before anything is submitted. */
  onBackend?: (backend: Backend) => void;
  /** Called with the plan (and the state it was made from) before executing; returning false stops (nothing is submitted). */
  onPlan?: (plan: Plan, state: StateSnapshot) => boolean | void;
  /** A project loaded already (watch mode validates before it runs): used instead of loading the manifest again. */
  project?: Loaded;
  /** Where the lock and the journal live (watch --preview keeps its own); default: FILE.lock and .pixrender/. */
  state?: { stateDir?: string; lockFile?: string };
  tuning?: Partial<Tuning>;
  onRequest?: (what: string) => void;
  /** Receive job callbacks on a local listener (see ExecuteOptions.callbacks). */
  callbacks?: { host?: string; port?: number; publicUrl?: string };
  /** Only these jobs and what they need (--only/--exclude); the other jobs' lock entries and submissions stay. */
  select?: Selection;
  /** Called with what the selection kept, before the plan. */
  onSelection?: (selection: SelectionSummary) => void;
}

export type RunOutcome =
  | { kind: 'invalid'; diagnostics: Diagnostic[]; sources: Map<string, string> }
  | { kind: 'over-budget'; plan: Plan }
  | { kind: 'refused'; plan: Plan }
  | { kind: 'ran'; plan: Plan; summary: RunSummary; lock: LockFile; backend: string };

/**
 * Downloads the lock will not record (renders kept aside: the executor downloads nothing else outside
 * the job outputs) go into the manifest's written record, so `clean` has the proof it needs; job
 * outputs are recorded, with their sha256, by the lock.
 */
function recordOutsideLock(manifest: ResolvedManifest): (file: string, result: { sha256: string }) => Promise<void> {
  const base = dirname(manifest.file);
  const jobOutputs = new Set(manifest.jobs.map((j) => resolve(base, j.output)));
  return (file, { sha256 }) => (jobOutputs.has(resolve(file)) ? Promise.resolve() : recordWritten(manifest.file, file, { sha256, kind: 'aside' }));
}

/** Renders (or, with mode 'collect', only collects) one manifest. */
export async function runManifest(manifestFile: string, options: RunOptions): Promise<RunOutcome> {
  const loaded = options.project ?? (await loadGraph(manifestFile, { templates: templateBackendOf(options), ...(options.select ? { select: options.select } : {}) }));
  if (!loaded.ok) return { kind: 'invalid', diagnostics: loaded.diagnostics, sources: loaded.sources };
  if (loaded.selection) options.onSelection?.(loaded.selection);
  const partial = loaded.selection !== undefined;
  const { config, catalog, graph } = loaded;
  // The store refuses to write the token, as a last line of defence.
  const token = (options.env ?? process.env)[config.tokenEnv ?? 'USEAPI_TOKEN'];
  const store: StateStore = await openStore(resolve(manifestFile), {
    ...(options.state ? { state: options.state } : {}),
    ...(token ? { secrets: [token] } : {}),
    ...(config.store ? { configured: config.store } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  let backend: Backend | undefined;
  try {
    const onDisk = await store.load();
    const stored: StateSnapshot = ofVersions(graph, onDisk);
    // Entries this checkout's versions replace stay known as their versions' results.
    for (const record of displacedEntries(onDisk.lock, stored.lock)) await store.append(record);
    const selected = (p: PendingJob) => graph.byId.has(p.job as never);
    const snapshot: StateSnapshot = partial ? { ...stored, pending: onlyJobsOf(graph, stored.pending), superseded: stored.superseded.filter(selected) } : stored;
    const claimed = await claimOutputs(graph.manifest);
    if (claimed.length > 0) return { kind: 'invalid', diagnostics: claimed, sources: loaded.sources };
    backend = options.backendInstance ?? (await openBackend(config, catalog, { ...options, stateDir: defaultStateDir(manifestFile) }));
    options.onBackend?.(backend);
    if (backend.accounts) await store.shared?.useAccounts(backend.accounts);
    const present = await presentOutputs(graph, snapshot.lock);
    const open = openForVersions(snapshot, wantedVersions(graph));
    const plan = planFor(loaded, snapshot.lock, present, backend.offPeakMultiplier, backend.kind, open, backend.previewMultiplier);
    if (plan.overBudget && options.mode === 'render') return { kind: 'over-budget', plan };
    if (options.onPlan?.(plan, snapshot) === false) return { kind: 'refused', plan };
    const result = await execute({
      plan,
      manifest: graph.manifest,
      api: boundedDownloads(backend.api, writeRootsOf(graph.manifest), recordOutsideLock(graph.manifest)),
      store,
      layout: runLayout(resolve(manifestFile), options.state),
      snapshot,
      catalog,
      slots: backend.slots,
      timeScale: backend.timeScale,
      mode: options.mode,
      reuseUploads: backend.kind === 'useapi',
      backendKind: backend.kind,
      backendName: backend.description,
      ...(backend.email ? { uploadEmail: backend.email } : {}),
      ...(backend.accounts ? { accounts: backend.accounts.map((a) => a.email) } : {}),
      ...(options.callbacks ? { callbacks: options.callbacks } : {}),
      ...(options.noWait ? { noWait: true } : {}),
      ...(partial ? { partial: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    });
    // Compaction folds journal completions into the lock; write the executor's (pruned) lock after it.
    await store.compact();
    await store.writeLock(result.lock);
    return { kind: 'ran', plan, summary: result.summary, lock: result.lock, backend: backend.description };
  } finally {
    if (backend && !options.backendInstance) await backend.close();
    await store.close();
  }
}
