/**
 * The gallery's page model: a pure function of the plan, the lock, the state snapshot and the run events
 * seen so far (watch mode) → typed cards, sections (single jobs, `then:` chains, matrix grids), compare
 * pairs and the cost panel. No I/O here: collect.ts gathers the inputs, html.ts renders the result.
 */
import { unreachable } from '../diagnostic.js';
import { posix, relative, sep } from 'node:path';
import type { JobState, RunEvent } from '../events.js';
import type { JobId, JobKind, LockEntry, LockFile, Plan, PlannedJob, PostStep } from '../model.js';
import { KINDS } from '../kinds/index.js';
import { renderSpecOf } from '../plan.js';

/** A render kept aside (paid for, superseded by a newer version): `.pixrender/aside/<job>@<fp12>.mp4`. */
export interface AsideClip {
  job: string;
  /** The first 12 hex digits of the fingerprint it was rendered for. */
  fingerprint: string;
  /** Relative to the manifest's directory, forward slashes. */
  file: string;
}

export interface GalleryInput {
  plan: Plan;
  lock: LockFile;
  /** Job ids with an open submission (collected later). */
  pending: ReadonlyMap<string, { videoId?: string }>;
  /** Job id → why its last attempt failed (journal, until compaction). */
  failed: ReadonlyMap<string, { fingerprint: string; reason: string }>;
  /** Job ids whose output file is on disk and matches the lock. */
  present: ReadonlySet<string>;
  /** The run events of the session so far, oldest first (watch mode); empty for a static gallery. */
  events: readonly RunEvent[];
  aside: readonly AsideClip[];
  /** The manifest's post steps; `version` names the file on disk (absent: not made yet). */
  post: readonly { step: PostStep; version?: string }[];
  /** Manifest-relative clip path → manifest-relative poster path (absent: no poster could be made). */
  posters: ReadonlyMap<string, string>;
  manifestName: string;
  /** Absolute. */
  manifestDir: string;
  /** Absolute: where index.html lives; every link is relative to it. */
  galleryDir: string;
  generatedAt: string;
  live: boolean;
  /** A line shown above the cards (e.g. the manifest does not validate; the last good page is shown). */
  notice?: string;
}

export type CardState =
  | { kind: 'cached' }
  | { kind: 'stale'; reason: string }
  | { kind: 'failed'; message: string }
  | { kind: 'skipped'; message: string }
  | { kind: 'pending'; videoId?: string }
  | { kind: 'rendering'; step: JobState }
  | { kind: 'not-rendered'; reason: string }
  | { kind: 'missing' };
export type CardStateKind = CardState['kind'];
export const CARD_STATES: readonly CardStateKind[] = ['cached', 'stale', 'failed', 'skipped', 'pending', 'rendering', 'not-rendered', 'missing'];

export interface Clip {
  /** Relative to the gallery directory, with a `?v=` version so a new render is fetched again. */
  src: string;
  poster?: string;
  /** 12 hex digits naming the render: see renderVersion (an aside clip: its fingerprint's first 12). */
  version: string;
  label: string;
}

export interface Lineage {
  /** e.g. `extends`, `upscales`, `fuses`, `transitions from`, `first frame from`. */
  relation: string;
  target: JobId;
  anchor: string;
}

export interface Card {
  id: JobId;
  anchor: string;
  kind: JobKind;
  prompt?: string;
  model?: string;
  quality?: string;
  duration?: number;
  seed?: number;
  /** Credits in the chosen mode, at today's prices. */
  planned: number;
  /** What the lock records as charged for the clip shown. */
  charged?: number;
  offPeak: boolean;
  backend?: 'sim' | 'useapi';
  state: CardState;
  clip?: Clip;
  /** Earlier versions kept aside, newest name last. */
  aside: Clip[];
  lineage: Lineage[];
  /** The jobs whose lineage names this one, with their relation (e.g. `bridge`, `last frame from`). */
  usedBy: Lineage[];
  matrix?: Record<string, string | number>;
}

export type Section =
  | { kind: 'single'; card: JobId }
  | { kind: 'chain'; name: string; steps: JobId[] }
  | { kind: 'matrix'; name: string; rowAxes: string[]; colAxis: string; cols: string[]; rows: { label: string; cells: (JobId | null)[] }[] };

/** A post step's output: the concatenated video or the contact sheet, with the jobs it was made of. */
export interface PostOutput {
  kind: PostStep['kind'];
  /** The output's file name. */
  name: string;
  inputs: Lineage[];
  media?: { type: 'video' | 'image'; src: string; poster?: string; label: string; version: string };
}

export interface ComparePair {
  label: string;
  left: Clip & { job: JobId };
  right: Clip & { job: JobId };
}

export interface CostPanel {
  charged: number;
  /** Credits the plan would still spend (new and stale jobs). */
  toSpend: number;
  byModel: { name: string; credits: number }[];
  byKind: { name: string; credits: number }[];
  /** Standard price minus what off-peak renders were charged. */
  offPeakSaved: number;
  simulated: number;
}

export interface PageModel {
  title: string;
  generatedAt: string;
  live: boolean;
  notice?: string;
  cards: ReadonlyMap<JobId, Card>;
  sections: Section[];
  post: PostOutput[];
  compares: ComparePair[];
  cost: CostPanel;
}

/** An HTML id (and URL fragment) for a job id; injective, since every character outside [A-Za-z0-9-] is escaped. */
export const anchorOf = (id: string): string => `job-${id.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`)}`;

const RELATION = Object.fromEntries(KINDS.map((k) => [k.kind, k.relation])) as Record<JobKind, string>;

const IN_PROGRESS: ReadonlySet<JobState> = new Set(['waiting', 'queued', 'uploading', 'submitting', 'rendering', 'downloading']);

export function buildPageModel(input: GalleryInput): PageModel {
  const live = latestJobEvents(input.events);
  const href = (manifestRelative: string): string => toHref(input.manifestDir, input.galleryDir, manifestRelative);
  const cards = new Map<JobId, Card>();
  for (const job of input.plan.jobs) cards.set(job.id, cardOf(job, input, live.get(job.id), href));
  for (const card of cards.values())
    for (const link of card.lineage) cards.get(link.target)?.usedBy.push({ relation: link.relation, target: card.id, anchor: card.anchor });
  return {
    title: input.manifestName,
    generatedAt: input.generatedAt,
    live: input.live,
    ...(input.notice !== undefined ? { notice: input.notice } : {}),
    cards,
    sections: sectionsOf(input.plan),
    post: input.post.map(({ step, version }) => postOutputOf(step, version, input.posters.get(step.output), href)),
    compares: comparesOf(cards),
    cost: costOf(input.plan, input.lock),
  };
}

function postOutputOf(step: PostStep, version: string | undefined, poster: string | undefined, href: (p: string) => string): PostOutput {
  const name = step.output.slice(step.output.lastIndexOf('/') + 1);
  const inputs = step.inputs.map((target) => ({ relation: step.kind === 'concat' ? 'joins' : 'shows', target, anchor: anchorOf(target) }));
  const shown = step.inputs.length > 8 ? `${step.inputs.slice(0, 8).join(', ')}, …` : step.inputs.join(', ');
  const label = step.kind === 'concat' ? `${name}: ${step.inputs.length} clips joined (${shown})` : `contact sheet of ${step.inputs.length} clips (${shown})`;
  const type: 'video' | 'image' = step.kind === 'concat' ? 'video' : 'image';
  const media = version === undefined ? undefined : { type, src: `${href(step.output)}?v=${version}`, ...(poster ? { poster: `${href(poster)}?v=${version}` } : {}), label, version };
  return { kind: step.kind, name, inputs, ...(media ? { media } : {}) };
}

/** The last job event per id since the latest run started: older runs' states are history. */
function latestJobEvents(events: readonly RunEvent[]): Map<string, Extract<RunEvent, { type: 'job' }>> {
  const last = new Map<string, Extract<RunEvent, { type: 'job' }>>();
  for (const e of events) {
    if (e.type === 'run-start') last.clear();
    else if (e.type === 'job') last.set(e.id, e);
  }
  return last;
}

function cardOf(job: PlannedJob, input: GalleryInput, event: Extract<RunEvent, { type: 'job' }> | undefined, href: (p: string) => string): Card {
  const entry: LockEntry | undefined = Object.hasOwn(input.lock.jobs, job.id) ? input.lock.jobs[job.id] : undefined;
  const p = job.job.params;
  const spec = renderSpecOf(job.job, undefined);
  const duration = spec.segments ? spec.segments.reduce((a, b) => a + b, 0) : (spec.duration ?? num(p['duration']));
  const seed = entry?.seed ?? num(p['seed']);
  const onDisk = input.present.has(job.id) && entry !== undefined;
  const clip: Clip | undefined = onDisk ? clipOf(entry.output, renderVersion(entry), `current render of ${job.id}`, input, href) : undefined;
  const aside = input.aside
    .filter((a) => a.job === job.id)
    .map((a) => clipOf(a.file, a.fingerprint, `earlier version of ${job.id} (${a.fingerprint})`, input, href));
  return {
    id: job.id,
    anchor: anchorOf(job.id),
    kind: job.kind,
    ...(str(p['prompt']) !== undefined ? { prompt: str(p['prompt'])! } : {}),
    ...(str(p['model']) !== undefined ? { model: str(p['model'])! } : {}),
    ...(spec.quality !== undefined ? { quality: spec.quality } : job.kind === 'upscale' ? { quality: '4k' } : {}),
    ...(duration !== undefined ? { duration } : {}),
    ...(seed !== undefined ? { seed } : {}),
    planned: job.offPeak && job.credits.offPeak !== null ? job.credits.offPeak : job.credits.standard,
    ...(entry ? { charged: entry.credits } : {}),
    offPeak: entry && job.action === 'cached' ? entry.offPeak : job.offPeak,
    ...(entry?.backend ? { backend: entry.backend } : {}),
    state: stateOf(job, input, event),
    ...(clip ? { clip } : {}),
    aside,
    lineage: lineageOf(job),
    usedBy: [],
    ...(job.job.matrix ? { matrix: job.job.matrix } : {}),
  };
}

/**
 * A render is what was asked (fingerprint) and what came back (sha256): two renders of different requests can
 * be byte-identical (the simulator's test patterns are), and the page must still load the new one.
 */
export const renderVersion = (entry: Pick<LockEntry, 'fingerprint' | 'sha256'>): string => `${entry.fingerprint.slice(0, 6)}${entry.sha256.slice(0, 6)}`;

function clipOf(file: string, version: string, label: string, input: GalleryInput, href: (p: string) => string): Clip {
  const poster = input.posters.get(file);
  return { src: `${href(file)}?v=${version}`, ...(poster ? { poster: `${href(poster)}?v=${version}` } : {}), version, label };
}

/** Live events first (what the run is doing now), then the journal, then the plan. */
function stateOf(job: PlannedJob, input: GalleryInput, event: Extract<RunEvent, { type: 'job' }> | undefined): CardState {
  if (event?.state === 'failed') return { kind: 'failed', message: event.message ?? 'failed' };
  if (event?.state === 'skipped') return { kind: 'skipped', message: event.message ?? 'skipped' };
  if (event && IN_PROGRESS.has(event.state)) return { kind: 'rendering', step: event.state };
  const open = input.pending.get(job.id);
  if (open || event?.state === 'pending') return { kind: 'pending', ...(open?.videoId ?? event?.videoId ? { videoId: (open?.videoId ?? event?.videoId)! } : {}) };
  const failed = input.failed.get(job.id);
  if (failed && failed.fingerprint === job.fingerprint && job.action !== 'cached') return { kind: 'failed', message: failed.reason };
  switch (job.action) {
    case 'cached':
      return { kind: 'cached' };
    case 'stale':
      return { kind: 'stale', reason: job.reason ?? 'changed' };
    case 'render':
      return { kind: 'not-rendered', reason: job.reason ?? 'no lock entry' };
    case 'download':
      return { kind: 'missing' };
    default:
      return unreachable(job.action);
  }
}

function lineageOf(job: PlannedJob): Lineage[] {
  const links: Lineage[] = [];
  for (const [field, ref] of Object.entries(job.job.inputs)) {
    if (ref.type === 'asset') continue;
    const relation = ref.type === 'job-frame' ? `${ref.frame} frame from` : job.kind === 'lipsync' && field !== 'video_id' ? 'uses audio of' : RELATION[job.kind];
    if (!links.some((l) => l.target === ref.job && l.relation === relation)) links.push({ relation, target: ref.job, anchor: anchorOf(ref.job) });
  }
  return links;
}

/** Jobs in manifest order; `name.N` steps join their chain, `name[k=v]` cells their matrix grid. */
function sectionsOf(plan: Plan): Section[] {
  const ids = new Set(plan.jobs.map((j) => String(j.id)));
  const sections: Section[] = [];
  const chains = new Map<string, Extract<Section, { kind: 'chain' }>>();
  const matrices = new Map<string, PlannedJob[]>();
  for (const job of manifestOrder(plan)) {
    const id = String(job.id);
    if (job.job.matrix) {
      const name = id.slice(0, id.indexOf('[') < 0 ? id.length : id.indexOf('['));
      if (!matrices.has(name)) {
        matrices.set(name, []);
        sections.push({ kind: 'matrix', name, rowAxes: [], colAxis: '', cols: [], rows: [] });
      }
      matrices.get(name)!.push(job);
      continue;
    }
    const step = /^(.*)\.(\d+)$/.exec(id);
    const root = step && ids.has(step[1]!) ? step[1]! : ids.has(`${id}.1`) ? id : undefined;
    if (root === undefined) {
      sections.push({ kind: 'single', card: job.id });
      continue;
    }
    let chain = chains.get(root);
    if (!chain) sections.push((chain = { kind: 'chain', name: root, steps: [] })), chains.set(root, chain);
    chain.steps.push(job.id);
  }
  for (const section of sections) if (section.kind === 'matrix') Object.assign(section, gridOf(matrices.get(section.name)!));
  for (const section of sections) if (section.kind === 'chain') section.steps.sort((a, b) => stepOf(a) - stepOf(b));
  return sections;
}

/** The plan is in dependency order; the page follows the manifest (the order jobs were written). */
function manifestOrder(plan: Plan): PlannedJob[] {
  const index = new Map(plan.jobs.map((j, i) => [j.id, i] as const));
  const at = (j: PlannedJob) => j.job.location.range.offset;
  return [...plan.jobs].sort((a, b) => at(a) - at(b) || index.get(a.id)! - index.get(b.id)!);
}

const stepOf = (id: JobId): number => Number(/\.(\d+)$/.exec(id)?.[1] ?? 0);

/** The last axis runs across; the other axes (combined) run down. */
function gridOf(cells: PlannedJob[]): Omit<Extract<Section, { kind: 'matrix' }>, 'kind' | 'name'> {
  const axes = Object.keys(cells[0]?.job.matrix ?? {});
  const colAxis = axes[axes.length - 1] ?? '';
  const rowAxes = axes.slice(0, -1);
  const cols = unique(cells.map((c) => String(c.job.matrix![colAxis])));
  const rowKey = (c: PlannedJob) => rowAxes.map((a) => `${a}=${c.job.matrix![a]}`).join(', ');
  const rows = unique(cells.map(rowKey)).map((label) => ({
    label,
    cells: cols.map((col) => cells.find((c) => rowKey(c) === label && String(c.job.matrix![colAxis]) === col)?.id ?? null),
  }));
  return { rowAxes, colAxis, cols, rows };
}

/** Each job's current render beside its newest aside version; matrix cells that differ only by seed. */
function comparesOf(cards: ReadonlyMap<JobId, Card>): ComparePair[] {
  const pairs: ComparePair[] = [];
  for (const card of cards.values()) {
    const older = card.aside[card.aside.length - 1];
    if (card.clip && older) pairs.push({ label: `${card.id}: current and earlier version`, left: { ...card.clip, job: card.id }, right: { ...older, job: card.id } });
  }
  const seeded = [...cards.values()].filter((c) => c.matrix && 'seed' in c.matrix && c.clip);
  const rest = (c: Card) => JSON.stringify(Object.entries(c.matrix!).filter(([k]) => k !== 'seed'));
  for (let i = 0; i < seeded.length; i++)
    for (let j = i + 1; j < seeded.length; j++) {
      const [a, b] = [seeded[i]!, seeded[j]!];
      if (rest(a) === rest(b) && !pairs.some((p) => p.left.job === a.id && p.right.job !== a.id))
        pairs.push({ label: `${a.id} and ${b.id}: two seeds`, left: { ...a.clip!, job: a.id }, right: { ...b.clip!, job: b.id } });
    }
  return pairs;
}

function costOf(plan: Plan, lock: LockFile): CostPanel {
  const byModel = new Map<string, number>();
  const byKind = new Map<string, number>();
  let charged = 0;
  let saved = 0;
  let simulated = 0;
  for (const job of plan.jobs) {
    const entry = Object.hasOwn(lock.jobs, job.id) ? lock.jobs[job.id] : undefined;
    if (!entry) continue;
    charged += entry.credits;
    if (entry.backend === 'sim') simulated += entry.credits;
    const model = str(entry.params['model']) ?? (job.kind === 'upscale' || job.kind === 'lipsync' ? job.kind : 'API default');
    byModel.set(model, (byModel.get(model) ?? 0) + entry.credits);
    byKind.set(entry.kind, (byKind.get(entry.kind) ?? 0) + entry.credits);
    // The standard price is today's plan price, known for the version the lock holds when it is cached.
    if (entry.offPeak && job.action === 'cached') saved += Math.max(0, job.credits.standard - entry.credits);
  }
  const list = (m: Map<string, number>) => [...m].map(([name, credits]) => ({ name, credits })).sort((a, b) => b.credits - a.credits || a.name.localeCompare(b.name));
  return { charged, toSpend: plan.totals.credits, byModel: list(byModel), byKind: list(byKind), offPeakSaved: saved, simulated };
}

/** A manifest-relative path as a link from the gallery folder, forward slashes, each segment URL-encoded. */
export function toHref(manifestDir: string, galleryDir: string, manifestRelative: string): string {
  const rel = relative(galleryDir, `${manifestDir}${sep}${manifestRelative.split('/').join(sep)}`).split(sep).join(posix.sep);
  return rel.split('/').map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/');
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
