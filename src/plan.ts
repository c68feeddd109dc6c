/**
 * The plan: for every job, whether it renders, is stale, is cached or only needs downloading, what it
 * costs (standard and off-peak), which mode it uses, and how long the work behind it is expected to take.
 *
 * Pure: the graph, the lock snapshot, which outputs exist, the catalog and the time all come in as
 * arguments; plan-inputs.ts does the reads.
 */
import { allQualities, expectedRenderSeconds, longestInput, modelOf, qualityOfFrame, type Catalog, type Price, type PriceFactors, type RenderSpec } from './catalog.js';
import { changeReasons, type ChangeSubject, type RecordInput } from './fingerprint.js';
import type { BuiltGraph } from './graph.js';
import { MEDIA_FIELDS, type MediaLengths } from './media-lengths.js';
import { outputOf, priceOfKind, priceSpecOf, renderSpecOf } from './kinds/pricing.js';
import type { GraphNode, JobGraph, JobId, LockEntry, LockFile, Plan, PlanAction, PlannedJob, PlanNote, ResolvedJob } from './model.js';

/** The generation parameters that price a job (declared per kind, src/kinds). */
export { renderSpecOf };

export interface PlanInput {
  graph: JobGraph | BuiltGraph;
  lock: LockFile;
  /** Jobs whose output file is on disk (and matches the lock entry). */
  outputsPresent: ReadonlySet<string>;
  catalog: Catalog;
  now: Date;
  /**
   * Off-peak price factor; defaults to the catalog's (a plan's `off_peak_discount` overrides it).
   * 'unknown' (GET features could not be read): off-peak is priced like standard, the highest it can be.
   */
  offPeakMultiplier?: number | 'unknown';
  /** Preview-mode price factor (`preview_mode_discount`), the same way: 'unknown' → priced as standard. */
  previewMultiplier?: number | 'unknown';
  /**
   * Measured local media by asset file (media-lengths.ts). A local input without a measurement is
   * priced at the longest length its endpoint accepts, and the plan says so.
   */
  media?: MediaLengths;
  /** Overrides the manifest's budget. */
  budgetCredits?: number;
  /**
   * The backend this run renders on. A render recorded by the simulator is stale for the real API (its
   * clip is a test pattern); a real render is never replaced by a simulated one of the same fingerprint.
   */
  backend?: 'sim' | 'useapi';
  /**
   * Open attempts by job id (the journal's snapshot). One with a video id and the job's fingerprint is
   * already paid for: the job is in flight, with nothing left to spend.
   */
  open?: ReadonlyMap<string, { fingerprint: string; videoId?: string; credits: number }>;
}

/** A lock entry as read from disk; newer writers may also record the fingerprint record's inputs. */
type LockedJob = LockEntry & { inputs?: Record<string, RecordInput> };

export function plan(input: PlanInput): Plan {
  const { graph, lock, catalog } = input;
  const records = 'records' in graph ? graph.records : undefined;
  const outputs = new Map<JobId, SourceFacts>();
  const notes: PlanNote[] = [];
  const factors: Partial<PriceFactors> = {
    ...(input.offPeakMultiplier !== undefined ? { offPeak: input.offPeakMultiplier === 'unknown' ? 1 : input.offPeakMultiplier } : {}),
    ...(input.previewMultiplier !== undefined ? { preview: input.previewMultiplier === 'unknown' ? 1 : input.previewMultiplier } : {}),
  };
  if (input.offPeakMultiplier === 'unknown') notes.push({ code: 'off-peak-factor-unknown', assumedFactor: 1 });
  let previewNoted = false;
  const actions = new Map<JobId, PlanAction>();
  /** Worst-case time (s from now) each job's output is ready, for the auto off-peak rule. */
  const readyAt = new Map<JobId, number>();
  const tailNormal = normalWaitTails(graph, catalog.timing.max_wait_normal_s);
  const deadline = graph.manifest.deadline === undefined ? undefined : Date.parse(graph.manifest.deadline);
  const secondsLeft = deadline === undefined || Number.isNaN(deadline) ? Infinity : (deadline - input.now.getTime()) / 1000;

  const jobs: PlannedJob[] = [];
  for (const node of graph.nodes) {
    const { job } = node;
    const source = sourceFacts(job, outputs, input.media, catalog);
    for (const a of source?.assumed ?? []) notes.push({ code: 'input-length-unknown', job: job.id, file: a.file, assumedSeconds: a.seconds });
    const { spec, credits, quality } = priceJob(catalog, job, source, factors);
    if (credits.worstCase) notes.push({ code: 'price-unknown', job: job.id, model: modelOf(catalog, spec), assumedCredits: credits.standard });
    if (spec.preview && input.previewMultiplier === 'unknown' && !previewNoted) {
      previewNoted = true;
      notes.push({ code: 'preview-factor-unknown', assumedFactor: 1 });
    }
    outputs.set(job.id, outputOf(job, spec, { ...(source ? { seconds: source.seconds } : {}), ...(quality !== undefined ? { quality } : {}) }));

    // Own properties only: a job called `constructor` must not find Object's.
    const entry = Object.hasOwn(lock.jobs, job.id) ? (lock.jobs[job.id] as LockedJob) : undefined;
    const { action, reason } = decideAction(node, entry, actions, input.outputsPresent, records?.get(job.id)?.inputs, input.backend);
    actions.set(job.id, action);
    const renders = action === 'render' || action === 'stale';
    const open = renders ? input.open?.get(job.id) : undefined;
    const inFlight = open?.videoId !== undefined && open.fingerprint === node.fingerprint ? { videoId: open.videoId, credits: open.credits } : undefined;

    const start = maxOf(node.dependsOn.map((d) => readyAt.get(d) ?? 0));
    const offPeak = renders && chooseOffPeak(job.offPeak, credits, start, tailNormal.get(job.id) ?? 0, secondsLeft, catalog);
    const wait = !renders ? 0 : offPeak ? catalog.timing.max_wait_off_peak_s : catalog.timing.max_wait_normal_s;
    readyAt.set(job.id, start + wait);

    jobs.push({
      id: job.id,
      kind: job.kind,
      endpoint: job.endpoint,
      fingerprint: node.fingerprint,
      dependsOn: node.dependsOn,
      action,
      ...(reason !== undefined ? { reason } : {}),
      credits,
      offPeak,
      cost: !renders || inFlight ? 0 : offPeak ? credits.offPeak! : credits.standard,
      ...(inFlight ? { inFlight } : {}),
      expectedSeconds: !renders ? 0 : expectedRenderSeconds(catalog, spec) + (offPeak ? catalog.timing.off_peak_wait_s : 0),
      remainingPathSeconds: 0,
      job,
    });
  }
  fillRemainingPath(jobs, graph);

  const renderingAll = jobs.filter((j) => j.action === 'render' || j.action === 'stale');
  const rendering = renderingAll.filter((j) => !j.inFlight);
  const inFlight = renderingAll.filter((j) => j.inFlight);
  const totals = {
    jobs: jobs.length,
    render: rendering.length,
    inFlight: inFlight.length,
    cached: jobs.filter((j) => j.action === 'cached').length,
    download: jobs.filter((j) => j.action === 'download').length,
    credits: rendering.reduce((sum, j) => sum + j.cost, 0),
    creditsStandard: rendering.reduce((sum, j) => sum + j.credits.standard, 0),
    creditsCommitted: inFlight.reduce((sum, j) => sum + j.inFlight!.credits, 0),
  };
  const budgetCredits = input.budgetCredits ?? graph.manifest.budgetCredits;
  return {
    manifestFile: graph.manifest.file,
    jobs,
    totals,
    ...(budgetCredits !== undefined ? { budgetCredits } : {}),
    overBudget: budgetCredits !== undefined && totals.credits > budgetCredits,
    notes,
  };
}

/**
 * - no lock entry → render (if it replaces a lock entry of another fingerprint → stale, with the reason);
 * - an upstream job renders → this job renders too: its input is about to be a new video, and its
 *   fingerprint already differs unless the upstream's lock entry was lost;
 * - fingerprint matches → cached when the output is on disk, download when it is not.
 */
function decideAction(
  node: GraphNode,
  entry: LockedJob | undefined,
  actions: ReadonlyMap<JobId, PlanAction>,
  outputsPresent: ReadonlySet<string>,
  currentInputs: Record<string, RecordInput> | undefined,
  backend: PlanInput['backend'],
): { action: PlanAction; reason?: string } {
  const { job } = node;
  const changedUpstream = node.dependsOn.filter((d) => actions.get(d) === 'render' || actions.get(d) === 'stale');
  if (!entry) return { action: 'render', reason: 'no lock entry' };
  if (backend === 'useapi' && entry.backend === 'sim') return { action: 'stale', reason: 'rendered on the simulator' };
  if (entry.mergeConflict) {
    const { kept, droppedVideoId } = entry.mergeConflict;
    return { action: 'stale', reason: `a lock merge chose between renders of two requests (kept ${kept}, dropped ${droppedVideoId})` };
  }
  if (entry.fingerprint === node.fingerprint && changedUpstream.length === 0)
    return outputsPresent.has(job.id) ? { action: 'cached' } : { action: 'download', reason: 'output file missing' };

  const before: ChangeSubject = { kind: entry.kind, params: entry.params ?? {}, ...(entry.inputs ? { inputs: entry.inputs } : {}) };
  const after: ChangeSubject = { kind: job.kind, params: job.params, ...(currentInputs ? { inputs: currentInputs } : {}) };
  const reasons = new Set(changeReasons(before, after, job.inputs));
  for (const d of changedUpstream) reasons.add(`upstream ${d} changed`);
  if (reasons.size === 0) reasons.add(unexplainedChange(job));
  return { action: 'stale', reason: [...reasons].join(', ') };
}

/**
 * Params and kind match and no upstream renders now, yet the fingerprint differs: an input changed that
 * the lock entry does not describe (it records no input hashes) — an asset's content, or an upstream job
 * re-rendered in an earlier run.
 */
function unexplainedChange(job: ResolvedJob): string {
  const refs = Object.values(job.inputs);
  const files = refs.flatMap((r) => (r.type === 'asset' ? [r.file.split(/[\\/]/).pop()!] : []));
  const upstream = refs.flatMap((r) => (r.type === 'asset' ? [] : [`upstream ${r.job}`]));
  if (files.length === 1 && upstream.length === 0) return `${files[0]} content changed`;
  if (refs.length > 0) return `an input changed (${[...new Set([...files, ...upstream])].join(', ')})`;
  return 'fingerprint changed';
}

/** The largest value, or 0 for none (no spread: a job may have thousands of dependents). */
const maxOf = (values: number[]): number => values.reduce((a, b) => (b > a ? b : a), 0);

/** What a job knows of the media it consumes: the longest input's seconds and the source video's quality. */
interface SourceFacts {
  seconds: number;
  quality?: string;
  /** Local inputs that could not be measured, with the length assumed for each. */
  assumed?: { file: string; seconds: number }[];
}

/**
 * The media a job consumes (extend, restyle, upscale, lipsync): another job's planned output, or local
 * files as measured. The priced length is the longest of its media inputs (lipsync: video or audio,
 * whichever the service counts, the higher is safe); an unmeasured file counts as the longest the
 * endpoint accepts.
 */
function sourceFacts(job: ResolvedJob, outputs: ReadonlyMap<JobId, SourceFacts>, media: MediaLengths | undefined, catalog: Catalog): SourceFacts | undefined {
  let seconds: number | undefined;
  let quality: string | undefined;
  const assumed: { file: string; seconds: number }[] = [];
  for (const [field, ref] of Object.entries(job.inputs)) {
    let facts: SourceFacts | undefined;
    if (ref.type === 'job-video') facts = outputs.get(ref.job);
    else if (ref.type === 'asset' && Object.hasOwn(MEDIA_FIELDS, field)) {
      const medium = MEDIA_FIELDS[field]!;
      const m = media?.get(ref.file);
      if (m?.ok) {
        facts = { seconds: tenthsUp(m.durationSeconds) };
        if (medium === 'video' && m.width !== undefined && m.height !== undefined) facts.quality = qualityOfFrame(catalog, m.width, m.height);
      } else {
        facts = { seconds: longestInput(catalog, job.endpoint, medium) };
        assumed.push({ file: ref.file, seconds: facts.seconds });
      }
    }
    if (!facts) continue;
    seconds = Math.max(seconds ?? 0, facts.seconds);
    if (field === 'video_id' || field === 'video_path') quality = facts.quality;
  }
  if (seconds === undefined) return undefined;
  return { seconds, ...(quality !== undefined ? { quality } : {}), ...(assumed.length > 0 ? { assumed } : {}) };
}

/** Lengths are read to the 0.1 s the service reports, rounded up so a price never falls short. */
const tenthsUp = (seconds: number): number => Math.ceil(Math.round(seconds * 1000) / 100) / 10;

/**
 * A job's request spec and price. When its source video was not measured, its quality is unknown too:
 * the job is priced at the quality that costs the most.
 */
function priceJob(catalog: Catalog, job: ResolvedJob, source: SourceFacts | undefined, factors: Partial<PriceFactors>): { spec: RenderSpec; credits: Price; quality: string | undefined } {
  const video = job.inputs['video_path'];
  const videoUnmeasured = video?.type === 'asset' && (source?.assumed ?? []).some((a) => a.file === video.file);
  let best: { spec: RenderSpec; credits: Price; quality: string | undefined } | undefined;
  for (const quality of videoUnmeasured ? allQualities(catalog) : [source?.quality]) {
    const spec = priceSpecOf(catalog, job, { ...(source ? { seconds: source.seconds } : {}), ...(quality !== undefined ? { quality } : {}) });
    const credits = priceOfKind(job.kind, catalog, spec, factors);
    if (!best || credits.standard > best.credits.standard) best = { spec, credits, quality };
  }
  return best!;
}

/**
 * never → standard. always → off-peak whenever the endpoint and model offer it. auto → off-peak when
 * offered and, in the worst case, the job and everything below it still finish before the deadline:
 * the job may start once its upstream is ready (worst case, with the modes chosen for them), waits up
 * to `max_wait_off_peak_s`, and every job below it then takes up to `max_wait_normal_s`. Jobs are
 * decided upstream first, so early jobs get the off-peak slack and later ones fall back to standard.
 * No deadline → off-peak whenever offered.
 */
function chooseOffPeak(
  policy: ResolvedJob['offPeak'],
  price: Price,
  startsAfter: number,
  tail: number,
  secondsLeft: number,
  catalog: Catalog,
): boolean {
  if (price.offPeak === null || policy === 'never') return false;
  if (policy === 'always') return true;
  return startsAfter + catalog.timing.max_wait_off_peak_s + tail <= secondsLeft;
}

/** For every job, the longest chain of standard waits strictly below it. */
function normalWaitTails(graph: JobGraph, waitNormal: number): Map<JobId, number> {
  const tail = new Map<JobId, number>();
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    tail.set(node.job.id, maxOf(node.dependents.map((d) => waitNormal + (tail.get(d) ?? 0))));
  }
  return tail;
}

/** Longest expected path to the end of the graph, in reverse topological order. */
function fillRemainingPath(jobs: PlannedJob[], graph: JobGraph): void {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i]!;
    const below = graph.byId.get(job.id)!.dependents.map((d) => byId.get(d)!.remainingPathSeconds);
    job.remainingPathSeconds = job.expectedSeconds + maxOf(below);
  }
}
