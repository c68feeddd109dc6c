/**
 * pixrender as a library: the same stages the CLI wires together, as plain functions of typed values.
 *
 *   loadGraph(file) → plan(...) → execute(...)      or simply    runManifest(file, options)
 */
export { runManifest, openBackend, planFor, type Backend, type BackendOptions, type RunOptions, type RunOutcome } from './pipeline.js';
export { loadGraph, planManifest, presentOutputs } from './plan-inputs.js';
export { backendKindFor } from './backend-kind.js';
export { loadManifest, type LoadOptions, type LoadResult } from './manifest/index.js';
export { loadProjectConfig, DEFAULT_CONFIG, type ProjectConfig } from './config.js';
export { buildGraph, hashAssets, dependentsClosure } from './graph.js';
export { selectJobs, subGraph, matcher, type Selection, type SelectionSummary } from './select.js';
export { planClean, applyClean, type CleanPlan, type CleanItem } from './clean.js';
export { plan, type PlanInput } from './plan.js';
export { execute, DEFAULT_TUNING, type ExecuteOptions, type Tuning } from './execute/index.js';
export type { StateStore, StateSnapshot, JournalRecord } from './state/store.js';
export { openFileStore, readStateSnapshot } from './state/file-store.js';
export { openStore, readState } from './state/open-store.js';
export { loadCatalog, priceOf, checkCombination, expectedRenderSeconds, type Catalog, type CatalogOverrides } from './catalog.js';
export { PixverseClient } from './api/client.js';
export { ApiError, isApiError, type ApiErrorKind } from './api/errors.js';
export type { PixverseApi } from './api/api.js';
export type * from './api/protocol.js';
export { startSimulator, type Simulator, type SimulatorOptions } from './sim/index.js';
export { formatDiagnostic, type Diagnostic, type Result, type SourceRange } from './diagnostic.js';
export type { RunEvent, RunSummary, JobState } from './events.js';
export type * from './model.js';
export { startWatch, watchManifest, type WatchOptions, type WatchSession, type WatchResult } from './watch.js';
