/**
 * The typed values that flow between stages:
 *   ParsedManifest → ResolvedManifest (validated, defaults/vars/matrix applied) → JobGraph → Plan → RunSummary
 * Each stage owns its own module; this file only holds the shapes they agree on.
 */
import type { SourceLocation } from './diagnostic.js';
import { KINDS, type Endpoint, type JobKind } from './kinds/index.js';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A job's stable identity: its name, or `name.N` for a `then:` step, or `name[k=v,...]` for a matrix cell. */
export type JobId = Brand<string, 'JobId'>;
/** Hex sha256 of a job's fingerprint record (see fingerprint.ts). */
export type Fingerprint = Brand<string, 'Fingerprint'>;

export const jobId = (s: string): JobId => s as JobId;
export const fingerprint = (s: string): Fingerprint => s as Fingerprint;

/** The kinds of job (src/kinds): create, frames, extend, ... */
export type { JobKind };

export const ENDPOINT_OF_KIND = Object.fromEntries(KINDS.map((k) => [k.kind, k.endpoint])) as Record<JobKind, Endpoint>;

/**
 * A request field whose value is only known at run time.
 * - asset: a local file, uploaded (deduplicated by content hash) → its `path`
 * - job-video: another job's output video → its `video_id`
 * - job-frame: the first or last frame of another job's downloaded output, extracted and uploaded → `path`
 */
export type InputRef =
  | { type: 'asset'; name: string; file: string }
  | { type: 'job-video'; job: JobId }
  | { type: 'job-frame'; job: JobId; frame: 'first' | 'last' };

export type OffPeakPolicy = 'never' | 'always' | 'auto';

/** A template a job names, as the API's list had it when the manifest was resolved. */
export interface TemplateRef {
  id: string;
  name: string;
}
/** The templates of a job; the effect carries what prices and times it. */
export interface JobTemplates {
  effect?: TemplateRef & { credits: number; duration: number; images: number; qualities: string[] };
  voice?: TemplateRef;
  restyle?: TemplateRef;
}

/** One job after defaults, vars, matrix and `then:` expansion: everything needed to build its request. */
export interface ResolvedJob {
  id: JobId;
  kind: JobKind;
  endpoint: Endpoint;
  /**
   * Request fields known before running, with the API's wire names: model, prompt, quality, duration,
   * motion_mode, aspect_ratio, seed, template_id, speaker_id, restyle_id, style, ... Never email/replyUrl/replyRef.
   */
  params: Record<string, string | number | boolean>;
  /** Request fields filled at run time, keyed by wire name (first_frame_path, video_id, frame_2_path, audio_path, ...). */
  inputs: Record<string, InputRef>;
  offPeak: OffPeakPolicy;
  /** Output file path, relative to the manifest's directory. */
  output: string;
  /** Matrix values of this cell, if it came from a matrix. */
  matrix?: Record<string, string | number>;
  /** Effect, voice or restyle preset the job names: id and name from the API's list. */
  templates?: JobTemplates;
  /** Where the job is written in the manifest, so later stages can still point into the YAML. */
  location: SourceLocation;
}

/** A local step after renders (ffmpeg), e.g. concat or contact sheet. */
export type PostStep =
  | { kind: 'concat'; inputs: JobId[]; output: string; location: SourceLocation }
  | { kind: 'contactSheet'; inputs: JobId[]; output: string; location: SourceLocation };

export interface ResolvedManifest {
  /** Absolute path of the manifest file. */
  file: string;
  name: string;
  /** Jobs in manifest order (matrix cells and then-steps expanded in place). */
  jobs: ResolvedJob[];
  post: PostStep[];
  budgetCredits?: number;
  /** ISO date; absent = no deadline. */
  deadline?: string;
  /** Absolute output directory. */
  outputDir: string;
  /** The folder outputs must stay in when it is not the manifest's: the project config's outputDir. */
  outputRoot?: string;
}

export interface GraphNode {
  job: ResolvedJob;
  /** Jobs this one consumes, in first-use order. */
  dependsOn: JobId[];
  dependents: JobId[];
  fingerprint: Fingerprint;
}

export interface JobGraph {
  manifest: ResolvedManifest;
  /** Topologically ordered: every node comes after the nodes it depends on. */
  nodes: GraphNode[];
  byId: ReadonlyMap<JobId, GraphNode>;
}

/**
 * render: never rendered; stale: rendered before but its fingerprint changed; cached: the lock entry matches
 * and the output is on disk; download: the lock entry matches but the output file is missing (no new render).
 */
export type PlanAction = 'render' | 'stale' | 'cached' | 'download';

export interface PlannedJob {
  id: JobId;
  kind: JobKind;
  endpoint: Endpoint;
  fingerprint: Fingerprint;
  dependsOn: JobId[];
  action: PlanAction;
  /** Why it renders (e.g. `prompt changed`, `upstream intro changed`, `no lock entry`). */
  reason?: string;
  /** Credits at the standard rate and off-peak (null when not available for this endpoint). */
  credits: { standard: number; offPeak: number | null };
  /** The chosen mode. */
  offPeak: boolean;
  /** What this job will spend in this run: 0 for cached/download and for a job in flight. */
  cost: number;
  /**
   * Submitted earlier with this fingerprint and given a video id, not yet completed: already paid for
   * (`credits` as journaled). The run collects it and submits nothing for it.
   */
  inFlight?: { videoId: string; credits: number };
  /** Expected seconds of work (catalog timing, no time scale), for scheduling and polling. */
  expectedSeconds: number;
  /** Longest expected path (seconds) from this job to the end of the graph, itself included. */
  remainingPathSeconds: number;
  job: ResolvedJob;
}

export interface Plan {
  manifestFile: string;
  jobs: PlannedJob[];
  totals: {
    jobs: number;
    /** Jobs to submit in this run (in-flight jobs excluded). */
    render: number;
    /** Jobs submitted earlier and still rendering: collected, not submitted again. */
    inFlight: number;
    cached: number;
    download: number;
    /** Credits this run will spend with the chosen modes. */
    credits: number;
    /** What the same renders would cost at the standard rate. */
    creditsStandard: number;
    /** Credits already committed to the in-flight jobs (not spent again). */
    creditsCommitted: number;
  };
  budgetCredits?: number;
  overBudget: boolean;
  /** Where a price rests on an assumption (always the costlier side), for the user to see. */
  notes?: PlanNote[];
}

/**
 * An assumption behind a plan's prices:
 * - input-length-unknown: a local input of `job` could not be measured; priced at `assumedSeconds`,
 *   the longest its endpoint accepts;
 * - off-peak-factor-unknown: GET features could not be read; off-peak priced at `assumedFactor` × standard;
 * - preview-factor-unknown: the same for preview mode (`preview_mode_discount`);
 * - price-unknown: `model` publishes no price; `job` is planned at the catalog's worst case.
 */
export type PlanNote =
  | { code: 'input-length-unknown'; job: JobId; file: string; assumedSeconds: number }
  | { code: 'off-peak-factor-unknown'; assumedFactor: number }
  | { code: 'preview-factor-unknown'; assumedFactor: number }
  | { code: 'price-unknown'; job: JobId; model: string; assumedCredits: number };

/** One job in the lock file: what was rendered, from what, and where it is. */
export interface LockEntry {
  fingerprint: Fingerprint;
  kind: JobKind;
  endpoint: Endpoint;
  /** The resolved request as sent, minus run-time values (uploads, email, replyUrl). */
  params: Record<string, string | number | boolean>;
  seed?: number;
  videoId: string;
  url: string;
  /** Relative to the manifest's directory, with forward slashes. */
  output: string;
  sha256: string;
  size: number;
  /** Credits charged: the API's cost_credits when it reported them, else the planned cost. */
  credits: number;
  /** Credits the plan showed for it (absent in lock files written before this was recorded). */
  plannedCredits?: number;
  offPeak: boolean;
  /** Templates by id and name, so a later list that renames or drops one still says what was used. */
  templates?: Partial<Record<keyof JobTemplates, TemplateRef>>;
  /** Where it was rendered: the simulator's clips are test patterns, replaced once a real API renders. */
  backend?: 'sim' | 'useapi';
  submittedAt: string;
  completedAt: string;
  /**
   * Set by the lock merge driver when both branches rendered the job from different requests and it
   * kept one: the next plan shows the job stale, so neither branch's render passes unseen.
   */
  mergeConflict?: MergeConflict;
}

/** The render a lock merge dropped in favour of the entry that carries this. */
export interface MergeConflict {
  kept: 'ours' | 'theirs';
  droppedVideoId: string;
}

export interface LockFile {
  version: 1;
  /** Job id → entry; written sorted by id so diffs stay small. */
  jobs: Record<string, LockEntry>;
}
