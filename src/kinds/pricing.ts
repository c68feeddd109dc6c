/**
 * What a job consumes and produces, and its price, from what its kind declares (KindDef.plan): the
 * plan and the simulator price through here, so a price never depends on which of them asks.
 */
import { ceilCredits, priceOf, type Catalog, type InputMedium, type Price, type PriceFactors, type PricingRule, type RenderSpec } from '../catalog.js';
import { unreachable } from '../diagnostic.js';
import type { ResolvedJob } from '../model.js';
import { kindDef, KINDS, type Endpoint, type JobKind } from './index.js';

/** What a job knows of the video it works on: its seconds and quality (when known). */
export interface KindSource {
  seconds?: number;
  quality?: string;
}

export interface PlanRule {
  /** How its request gives its length: its own `duration`, its transition segments, or its source video (or motion video). */
  length: 'duration' | 'segments' | 'source';
  /** The seconds it produces: its own, its source's, or its source's plus its own (extend). */
  seconds: 'own' | 'source' | 'source+own';
  /** The quality it produces: its own setting, its source's, or a fixed one (upscale: 4k). */
  quality: 'own' | 'source' | { fixed: string };
  /** The spec it is priced by, when not its request's (restyle: a create of its source's quality and length). */
  priceSpec?(cat: Catalog, spec: RenderSpec, source: KindSource): RenderSpec;
  /** Its price, when not the catalog's rule for its endpoint (priceWithFallback). */
  price?(cat: Catalog, spec: RenderSpec, factors: Partial<PriceFactors>): Price;
}

/** Catalog entries of an endpoint that catalog data may not have yet: used where it has none. */
export interface CatalogDefaults {
  pricing?: PricingRule;
  offPeak?: boolean;
  longestInput?: Partial<Record<InputMedium, number>>;
  /** The assumption behind these numbers, for whoever reads the catalog. */
  assumption?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The generation parameters of a job's request; transition segments come from `duration_i_to_j`. */
export function renderSpecOf(job: ResolvedJob, sourceDuration: number | undefined): RenderSpec {
  const p = job.params;
  const spec: RenderSpec = { endpoint: job.endpoint };
  const model = str(p['model']);
  const quality = str(p['quality']);
  const motion = str(p['motion_mode']);
  if (model !== undefined) spec.model = model;
  if (quality !== undefined) spec.quality = quality;
  if (motion !== undefined) spec.motion = motion;
  if (p['audio'] === true) spec.audio = true;
  if (p['multi_shot'] === true) spec.multiShot = true;
  if (p['preview_mode'] === true) spec.preview = true;
  const length = kindDef(job.kind).plan.length;
  switch (length) {
    case 'segments': {
      const frames = Object.keys(job.inputs).filter((k) => /^frame_\d+_path$/.test(k)).length;
      spec.segments = Array.from({ length: Math.max(1, frames - 1) }, (_, i) => num(p[`duration_${i + 1}_to_${i + 2}`]) ?? num(p['duration']) ?? 5);
      break;
    }
    case 'source':
      spec.sourceDuration = sourceDuration ?? num(p['duration']) ?? 5;
      break;
    case 'duration':
      spec.duration = num(p['duration']) ?? 5;
      break;
    default:
      return unreachable(length);
  }
  // An effect prices and times by its template (src/templates), not by the quality table.
  const effect = job.templates?.effect;
  if (effect) Object.assign(spec, { templateCredits: effect.credits, duration: effect.duration });
  return spec;
}

/** The spec a job is priced (and timed) by. */
export function priceSpecOf(cat: Catalog, job: ResolvedJob, source: KindSource | undefined): RenderSpec {
  const spec = renderSpecOf(job, source?.seconds);
  return kindDef(job.kind).plan.priceSpec?.(cat, spec, source ?? {}) ?? spec;
}

/** What a request of this kind costs. */
export function priceOfKind(kind: JobKind, cat: Catalog, spec: RenderSpec, factors: Partial<PriceFactors>): Price {
  return (kindDef(kind).plan.price ?? priceWithFallback)(cat, spec, factors);
}

/** The kind of a generation endpoint. */
export function kindOfEndpoint(endpoint: Endpoint): JobKind {
  return KINDS.find((k) => k.endpoint === endpoint)!.kind;
}

/** Seconds and quality of the video a job produces. */
export function outputOf(job: ResolvedJob, spec: RenderSpec, source: KindSource | undefined): { seconds: number; quality: string } {
  const rule = kindDef(job.kind).plan;
  const own = spec.segments ? spec.segments.reduce((a, b) => a + b, 0) : (spec.duration ?? 5);
  const fromSource = source?.seconds ?? spec.sourceDuration ?? spec.duration ?? 5;
  const seconds = rule.seconds === 'own' ? own : rule.seconds === 'source' ? fromSource : (source?.seconds ?? 5) + (spec.duration ?? 5);
  const quality =
    typeof rule.quality === 'object' ? rule.quality.fixed : rule.quality === 'source' ? (source?.quality ?? '540p') : (str(job.params['quality']) ?? '540p');
  return { seconds, quality };
}

/** Local input fields whose length can decide a price, and what they hold, over every kind. */
export function mediaFields(): Record<string, InputMedium> {
  return Object.assign({}, ...KINDS.map((k) => k.media ?? {}));
}

/**
 * priceOf, except that a length the price table has no row for (a restyle of an extended clip, 10 s)
 * is priced pro rata from the 5 s row, like the table's own 8 s = 2 × 5 s rule would extend.
 */
export function priceWithFallback(catalog: Catalog, spec: RenderSpec, factors: Partial<PriceFactors>): Price {
  try {
    return priceOf(catalog, spec, factors);
  } catch (error) {
    if (spec.duration === undefined) throw error;
    const base = priceOf(catalog, { ...spec, duration: 5 }, factors);
    const standard = ceilCredits((base.standard * spec.duration) / 5);
    const factor = factors.offPeak ?? catalog.offPeakMultiplier;
    return { standard, offPeak: base.offPeak === null ? null : ceilCredits(standard * factor) };
  }
}

/** The catalog with each kind's defaults filled in where catalog data has nothing for its endpoint. */
export function withKindDefaults(cat: Catalog): Catalog {
  for (const k of KINDS) {
    const d: CatalogDefaults | undefined = k.catalog;
    if (!d) continue;
    if (d.pricing && !cat.endpointPricing[k.endpoint]) cat.endpointPricing[k.endpoint] = d.pricing;
    if (d.offPeak && !cat.offPeakEndpoints.includes(k.endpoint)) cat.offPeakEndpoints.push(k.endpoint);
    if (d.longestInput && !cat.longestInputSeconds[k.endpoint]) cat.longestInputSeconds[k.endpoint] = d.longestInput;
  }
  return cat;
}
