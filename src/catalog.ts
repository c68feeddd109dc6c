/**
 * The models catalog: capabilities, limits and credit prices as typed data.
 *
 * Built from catalog/models-2026.json (today's reference catalog, verbatim), catalog/models.json (the
 * Aug-2025 one, for the models a project may still pin and the tables they used) and
 * catalog/assumptions.json (what the references leave UNCONFIRMED). Project config can extend or
 * override any part, so a new model or a changed price is data, not code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { legacyModels, todaysModels } from './catalog-models.js';

import { ENDPOINTS, type Endpoint } from './kinds/index.js';
import { withKindDefaults } from './kinds/pricing.js';
import { builtFile, packageFile } from './package-files.js';

/** The generation endpoints, one per job kind (src/kinds). */
export { ENDPOINTS, type Endpoint };

/** Qualities, motions and models are open strings: new ones arrive through data. */
export type Quality = string;
export type Motion = string;

/** A restriction on one quality (and optionally one motion mode) of a model. */
export interface ModelLimit {
  quality: Quality;
  motion?: Motion;
  durations?: number[];
  motions?: Motion[];
}

/** `optional`: the `audio` flag turns it on; `always`: built in, sending `audio` is refused; `none`: no audio. */
export type AudioSupport = 'optional' | 'always' | 'none';

/** One cell of a price table: credits without and (when the model takes audio) with audio. */
export interface PriceCell {
  base: number;
  audio?: number;
}

/**
 * How a model's generation is priced, before the off-peak and preview factors:
 * - per-second: seconds × rate(quality), plus `audioPerSecond` × seconds with audio (v6: 0);
 * - table: quality → seconds → cell; a length without its own row takes the next longer row;
 * - legacy-table: the Aug-2025 quality × duration × motion table (`Catalog.prices`);
 * - unknown: no published price; planned at `worstCasePerSecond` × seconds, never lower.
 */
export type ModelPrice =
  | { rule: 'per-second'; perSecond: Record<Quality, number>; audioPerSecond: number }
  | { rule: 'table'; table: Record<Quality, Record<string, PriceCell>> }
  | { rule: 'legacy-table' }
  | { rule: 'unknown'; worstCasePerSecond: number };

export interface ModelSpec {
  name: string;
  family: 'native' | 'third-party';
  /** false: an Aug-2025 model the API no longer lists (kept for projects that pin it)... */
  listed: boolean;
  /** ... except on these endpoints (v4 is still the restyle model). */
  listedOn: Endpoint[];
  qualities: Quality[];
  /** The quality a request without `quality` renders at. */
  defaultQuality: Quality;
  durations: number[];
  /** motion_mode values; empty for today's models (the field is gone). */
  motions: Motion[];
  aspectRatios: string[];
  offPeak: boolean;
  audio: AudioSupport;
  multiShot: boolean;
  previewMode: boolean;
  seed: boolean;
  limits: ModelLimit[];
  /** true: supported; false: not supported; null: unconfirmed (see `unconfirmedEndpointSupport`). */
  endpoints: Partial<Record<Endpoint, boolean | null>>;
  /** Request fields the API no longer takes for this model (negative_prompt, style, ...). */
  removedFields: string[];
  price: ModelPrice;
  /** What the entry assumes where the reference is silent, in words. */
  assumptions: string[];
}

/** quality → duration (s) → motion → credits at the standard (not off-peak) rate. */
export type PriceTable = Record<Quality, Record<string, Record<Motion, number>>>;

export type PricingRule =
  | { rule: 'table' }
  | { rule: 'table-per-segment' }
  | { rule: 'per-second'; credits_per_second: number }
  | { rule: 'upscale' };

export interface Timing {
  queue_s: number;
  render_s_per_output_s: Record<Quality, number>;
  fast_motion_factor: number;
  upscale_s_per_output_s: number;
  lipsync_s_per_output_s: number;
  off_peak_wait_s: number;
  max_wait_normal_s: number;
  max_wait_off_peak_s: number;
}

export interface EffectSpec {
  template_id: number;
  display_name: string;
  effect_type: string;
  qualities: Quality[];
}
export interface VoiceSpec {
  speaker_id: string;
  name: string;
  gender: string;
  language: string;
}
export interface RestyleSpec {
  restyle_id: number;
  name: string;
  prompt: string;
}

export interface Catalog {
  models: Record<string, ModelSpec>;
  /** The create default (kept for callers that know no endpoint); see `defaultModels`. */
  defaultModel: string;
  /** The model a request without `model` renders on, per endpoint. */
  defaultModels: Partial<Record<Endpoint, string>>;
  /** create-transition with 3 or more frames takes only this model (and it is the default then). */
  transitionMultiFrameModel: string;
  /** Models that take `audio` on a 2-frame transition. */
  transitionAudioModels: string[];
  unconfirmedEndpointSupport: 'allow' | 'deny';
  prices: PriceTable;
  /**
   * Off-peak price = standard × this, rounded up, when GET features gave no `off_peak_discount`: 1 (no
   * discount, the higher side). The factor read per account overrides it.
   */
  offPeakMultiplier: number;
  /** The same for preview mode (`preview_mode_discount`). */
  previewMultiplier: number;
  /** The off-peak discount the documentation advertises (0.5): shown, never planned with. */
  advertisedOffPeakMultiplier: number;
  offPeakEndpoints: Endpoint[];
  upscale: { source_duration_s: number; credits: number }[];
  endpointPricing: Record<Endpoint, PricingRule>;
  aspectRatios: string[];
  styles: string[];
  /** The prompt limit of endpoints without their own (`promptMaxCharsByEndpoint`). */
  promptMaxChars: number;
  promptMaxCharsByEndpoint: Partial<Record<Endpoint, number>>;
  seedRange: { min: number; max: number };
  maxJobsRange: { min: number; max: number };
  replyMaxChars: number;
  timing: Timing;
  /**
   * The longest local input each endpoint accepts, by medium (`default` for endpoints without their own):
   * the length a plan assumes for an input it cannot measure.
   */
  longestInputSeconds: Record<string, Partial<Record<InputMedium, number>>>;
  /** How long an uploaded file is reused by later runs (UNCONFIRMED: the API's retention is undocumented). */
  uploadReuseHours: number;
  effects: EffectSpec[];
  voices: VoiceSpec[];
  restyles: RestyleSpec[];
}

export type InputMedium = 'video' | 'audio';

/** A partial catalog in the same shape; objects merge deeply, arrays and scalars replace. */
export type CatalogOverrides = { [K in keyof Catalog]?: unknown };

/** The files of catalog/ the built-in catalog is derived from: the reference, today's catalog, the assumptions. */
const SOURCES = ['models.json', 'models-2026.json', 'assumptions.json'] as const;

export const catalogSources = (): string[] => SOURCES.map((name) => readFileSync(packageFile(`catalog/${name}`), 'utf8'));

/** The built-in catalog from the texts of its sources (catalogSources). */
export function deriveCatalog(texts: readonly string[]): Catalog {
  const [ref, today, assumed] = texts.map((text) => JSON.parse(text));
  // Kinds newer than the catalog data bring their own entries (src/kinds).
  return withKindDefaults(buildBaseCatalog(ref, today, assumed));
}

/** Names the texts a stored catalog was derived from. */
export const catalogDigest = (texts: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:${text}`);
  return hash.digest('hex');
};

/** What the build stores (scripts/compile-catalog.mjs, dist/catalog.base.json): a catalog and the digest of its sources. */
export interface StoredCatalog {
  digest: string;
  catalog: Catalog;
}

/** The stored catalog when it was derived from these very texts; else derived now (catalog/ edited since the build, or running from src/). */
export function catalogFrom(texts: readonly string[], stored: StoredCatalog | undefined): Catalog {
  return stored?.digest === catalogDigest(texts) ? stored.catalog : deriveCatalog(texts);
}

function storedCatalog(): StoredCatalog | undefined {
  try {
    return JSON.parse(readFileSync(builtFile('catalog.base.json'), 'utf8')) as StoredCatalog;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

let baseCatalog: Catalog | undefined;

/** The built-in catalog, optionally with project overrides merged in. */
export function loadCatalog(overrides?: CatalogOverrides): Catalog {
  // Deriving it takes a few milliseconds of every start; the build's copy is read instead when current.
  baseCatalog ??= catalogFrom(catalogSources(), storedCatalog());
  return overrides ? (deepMerge(baseCatalog, overrides) as Catalog) : structuredClone(baseCatalog);
}

function buildBaseCatalog(ref: any, today: any, assumed: any): Catalog {
  const g = ref.global;
  const models: Record<string, ModelSpec> = { ...legacyModels(ref, today, assumed), ...todaysModels(today, assumed, ENDPOINTS) };
  const t = assumed.today;
  const { $comment: _d, ...defaultModels } = t.default_models;
  const prompts = today.global.prompt_max_chars.value;
  const { $comment: _c, ...extraPrices } = assumed.extra_prices;
  const pricing = Object.fromEntries(
    Object.entries<any>(assumed.endpoint_pricing).filter(([k]) => k !== '$comment'),
  ) as Record<Endpoint, PricingRule>;
  const { $comment: _t, ...timing } = assumed.timing;
  return {
    models,
    defaultModel: assumed.default_model,
    defaultModels,
    transitionMultiFrameModel: t.transition_multi_frame_model,
    transitionAudioModels: t.transition_audio_models,
    unconfirmedEndpointSupport: assumed.unconfirmed_endpoint_support,
    prices: deepMerge(ref.credit_costs.credits_by_quality_duration_motion, extraPrices) as PriceTable,
    offPeakMultiplier: t.factors_when_unknown.off_peak,
    previewMultiplier: t.factors_when_unknown.preview_mode,
    advertisedOffPeakMultiplier: ref.off_peak.credit_multiplier,
    offPeakEndpoints: assumed.off_peak_endpoints,
    upscale: ref.credit_costs.upscale_4k.map((u: any) => ({
      source_duration_s: u.source_duration_s,
      credits: u.credits_web_premium,
    })),
    endpointPricing: pricing,
    aspectRatios: g.aspect_ratios.values,
    styles: g.styles.values,
    promptMaxChars: g.prompt_max_chars.value,
    promptMaxCharsByEndpoint: { 'videos/create': prompts['videos/create'] },
    seedRange: { min: g.seed_range.min, max: g.seed_range.max },
    maxJobsRange: { min: g.maxJobs_range.min, max: g.maxJobs_range.max },
    replyMaxChars: g.replyUrl_max_chars.value,
    timing: timing as Timing,
    uploadReuseHours: assumed.upload_reuse_hours,
    longestInputSeconds: Object.fromEntries(Object.entries<any>(assumed.longest_input_s).filter(([k]) => k !== '$comment')),
    effects: assumed.effects,
    voices: assumed.voices,
    restyles: assumed.restyles,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over === undefined ? base : over);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? deepMerge(out[k], v) : structuredClone(v);
  return out;
}

/** The generation parameters that decide whether a request is allowed and what it costs. */
export interface RenderSpec {
  endpoint: Endpoint;
  model?: string;
  quality?: Quality;
  duration?: number;
  motion?: Motion;
  /** create-transition: the seconds of each segment (frame 1→2, 2→3, ...). */
  segments?: number[];
  /** upscale and lipsync: the duration of the source video in seconds. */
  sourceDuration?: number;
  /** An effect template's own price (its list entry's `video_base_cost + fixed_cost`): replaces the rule. */
  templateCredits?: number;
  audio?: boolean;
  multiShot?: boolean;
  preview?: boolean;
}

/**
 * The model a request without `model` renders on: the endpoint's default (a transition of 3 or more
 * frames: the one model that takes them), else the catalog default, else the first that supports it.
 */
export function defaultModelFor(cat: Catalog, endpoint: Endpoint, frames = 2): string {
  if (endpoint === 'videos/create-transition' && frames > 2) return cat.transitionMultiFrameModel;
  const named = cat.defaultModels[endpoint];
  if (named && cat.models[named]) return named;
  if (modelSupports(cat, cat.defaultModel, endpoint) !== false) return cat.defaultModel;
  return Object.keys(cat.models).find((m) => modelSupports(cat, m, endpoint) === true) ?? cat.defaultModel;
}

/** The model a spec renders on. */
export function modelOf(cat: Catalog, spec: RenderSpec): string {
  return spec.model ?? defaultModelFor(cat, spec.endpoint, (spec.segments?.length ?? 1) + 1);
}

/** The quality a spec renders at: its own, else its model's default. */
export function qualityOf(cat: Catalog, spec: RenderSpec): Quality {
  return spec.quality ?? cat.models[modelOf(cat, spec)]?.defaultQuality ?? '540p';
}

/** The prompt limit of an endpoint (5,000 on create, 2,048 elsewhere). */
export function promptMaxCharsFor(cat: Catalog, endpoint: Endpoint): number {
  return cat.promptMaxCharsByEndpoint[endpoint] ?? cat.promptMaxChars;
}

/** Whether a model can be used on an endpoint: null when unknown model. */
export function modelSupports(cat: Catalog, model: string, endpoint: Endpoint): boolean | null {
  const spec = cat.models[model];
  if (!spec) return null;
  const v = spec.endpoints[endpoint];
  if (v === true || v === false) return v;
  return cat.unconfirmedEndpointSupport === 'allow';
}

/**
 * Checks a model × quality × duration × motion × audio / multi-shot / preview combination. Returns the
 * reason it is refused, or null. Endpoints without generation settings (upscale, lipsync) are only
 * checked for their model.
 */
export function checkCombination(cat: Catalog, spec: RenderSpec): string | null {
  if (spec.endpoint === 'videos/upscale') return null;
  const model = modelOf(cat, spec);
  const m = cat.models[model];
  if (!m) return `unknown model "${model}"`;
  if (modelSupports(cat, model, spec.endpoint) === false) return `model ${model} does not support ${spec.endpoint}`;
  if (spec.endpoint === 'videos/lipsync') return null;
  const frames = (spec.segments?.length ?? 1) + 1;
  if (spec.endpoint === 'videos/create-transition' && frames > 2 && model !== cat.transitionMultiFrameModel)
    return `a transition of ${frames} frames renders on ${cat.transitionMultiFrameModel} only, not ${model}`;
  const quality = qualityOf(cat, spec);
  const motion = spec.motion ?? 'normal';
  if (!m.qualities.includes(quality)) return `model ${model} has no quality ${quality}`;
  if (m.motions.length > 0 && !m.motions.includes(motion)) return `model ${model} has no motion mode ${motion}`;
  if (spec.audio && m.audio === 'none') return `model ${model} takes no audio`;
  if (spec.audio && m.audio === 'always') return `model ${model} always renders with audio and refuses the audio flag`;
  if (spec.audio && spec.endpoint === 'videos/create-transition' && (frames > 2 || !cat.transitionAudioModels.includes(model)))
    return `audio on a transition needs 2 frames on ${cat.transitionAudioModels.join(' or ')}`;
  if (spec.multiShot && !m.multiShot) return `model ${model} has no multi_shot`;
  if (spec.preview && !m.previewMode) return `model ${model} has no preview_mode`;
  const durations = spec.segments ?? [spec.duration ?? 5];
  for (const duration of durations) {
    if (!m.durations.includes(duration)) return `model ${model} allows durations of ${durationList(m.durations)} s, not ${duration} s`;
    for (const limit of m.limits) {
      if (limit.quality !== quality || (limit.motion && limit.motion !== motion)) continue;
      const what = `${quality}${limit.motion ? ` ${limit.motion}` : ''}`;
      if (limit.durations && !limit.durations.includes(duration))
        return `model ${model} allows ${what} only at ${durationList(limit.durations)} s`;
      if (limit.motions && !limit.motions.includes(motion))
        return `model ${model} allows ${what} only with motion ${limit.motions.join('/')}`;
    }
    if (basePrice(cat, m, quality, duration, spec) === undefined) return `no price for ${model} ${quality} ${duration} s${m.motions.length > 0 ? ` ${motion}` : ''}`;
  }
  return null;
}

/** 1-15 for a run of whole seconds, else the list. */
function durationList(d: number[]): string {
  const run = d.length > 2 && d.every((x, i) => i === 0 || x === d[i - 1]! + 1);
  return run ? `${d[0]}-${d.at(-1)}` : d.join('/');
}

/** Credits of one generation of `seconds` by the model's rule, before any factor; undefined: no price. */
function basePrice(cat: Catalog, m: ModelSpec, quality: Quality, seconds: number, spec: RenderSpec): number | undefined {
  const p = m.price;
  switch (p.rule) {
    case 'per-second': {
      const rate = p.perSecond[quality];
      return rate === undefined ? undefined : seconds * (rate + (spec.audio ? p.audioPerSecond : 0));
    }
    case 'table': {
      const rows = Object.entries(p.table[quality] ?? {})
        .map(([s, cell]) => [Number(s), cell] as const)
        .sort((a, b) => a[0] - b[0]);
      const cell = rows.find(([s]) => s >= seconds)?.[1];
      return spec.audio ? cell?.audio : cell?.base;
    }
    case 'legacy-table':
      return cat.prices[quality]?.[String(seconds)]?.[spec.motion ?? 'normal'];
    case 'unknown':
      return seconds * p.worstCasePerSecond;
    default:
      return unreachableRule(p);
  }
}

function unreachableRule(x: never): never {
  throw new Error(`unexpected price rule ${JSON.stringify(x)}`);
}

export interface Price {
  standard: number;
  /** null when the endpoint or model has no off-peak mode. */
  offPeak: number | null;
  /** Set when the model has no published price and this is the stated worst case. */
  worstCase?: true;
}

/** The price factors of one account: GET features `off_peak_discount` / `preview_mode_discount`. */
export interface PriceFactors {
  offPeak: number;
  preview: number;
}

/** Rounds credits up, ignoring float noise (30 × 0.7 is 21, not 21.000000000000004 → 22). */
export const ceilCredits = (x: number): number => Math.ceil(Math.round(x * 1e6) / 1e6);

/**
 * Credits for one request, standard and off-peak, with the preview factor when the spec asks for preview
 * mode. `factors` default to the catalog's (no discount). Throws on a combination checkCombination refuses.
 * A plain number is the off-peak factor alone.
 */
export function priceOf(cat: Catalog, spec: RenderSpec, factors: Partial<PriceFactors> | number = {}): Price {
  const f = typeof factors === 'number' ? { offPeak: factors } : factors;
  const offPeakFactor = f.offPeak ?? cat.offPeakMultiplier;
  const previewFactor = spec.preview ? (f.preview ?? cat.previewMultiplier) : 1;
  const rule = cat.endpointPricing[spec.endpoint];
  const model = cat.models[modelOf(cat, spec)];
  const generation = (duration: number): number => {
    const p = model ? basePrice(cat, model, qualityOf(cat, spec), duration, spec) : undefined;
    if (p === undefined) throw new Error(`no price for ${modelOf(cat, spec)} ${qualityOf(cat, spec)} ${duration} s`);
    return p;
  };
  let raw: number;
  if (spec.templateCredits !== undefined) raw = spec.templateCredits;
  else switch (rule.rule) {
    case 'table':
      raw = generation(spec.duration ?? 5);
      break;
    case 'table-per-segment':
      raw = (spec.segments ?? [spec.duration ?? 5]).reduce((sum, d) => sum + generation(d), 0);
      break;
    case 'per-second':
      raw = rule.credits_per_second * (spec.sourceDuration ?? 5);
      break;
    case 'upscale': {
      const source = spec.sourceDuration ?? 5;
      const sorted = [...cat.upscale].sort((a, b) => a.source_duration_s - b.source_duration_s);
      const bucket = sorted.find((u) => source <= u.source_duration_s);
      const last = sorted[sorted.length - 1]!;
      raw = bucket ? bucket.credits : (last.credits * source) / last.source_duration_s;
      break;
    }
  }
  const generates = rule.rule === 'table' || rule.rule === 'table-per-segment';
  const offPeakAllowed = cat.offPeakEndpoints.includes(spec.endpoint) && (!generates || (model?.offPeak ?? true));
  return {
    standard: ceilCredits(raw * previewFactor),
    offPeak: offPeakAllowed ? ceilCredits(raw * previewFactor * offPeakFactor) : null,
    ...(generates && model?.price.rule === 'unknown' ? { worstCase: true as const } : {}),
  };
}

/**
 * A restyle keeps its source's quality and length, so it is priced like a create of the source's
 * quality at 5 or 8 s (UNCONFIRMED: the reference has no restyle price), or at 540p where the
 * source's quality has no price (e.g. a 4K upscale). Shared by the plan and the simulator.
 */
export function restyleSpec(cat: Catalog, model: string | undefined, sourceQuality: Quality | undefined, sourceSeconds: number): RenderSpec {
  const spec: RenderSpec = { endpoint: 'videos/restyle', quality: sourceQuality ?? '540p', duration: sourceSeconds <= 5 ? 5 : 8, motion: 'normal', ...(model ? { model } : {}) };
  if (checkCombination(cat, spec) && !checkCombination(cat, { ...spec, quality: '540p' })) spec.quality = '540p';
  return spec;
}

/** The length a plan assumes for a local input of `endpoint` it cannot measure: the longest accepted. */
export function longestInput(cat: Catalog, endpoint: Endpoint, medium: InputMedium): number {
  return cat.longestInputSeconds[endpoint]?.[medium] ?? cat.longestInputSeconds['default']?.[medium] ?? 180;
}

/** Every quality some model offers, cheapest first by its number of lines (360p, 540p, ...). */
export function allQualities(cat: Catalog): Quality[] {
  const set = new Set(Object.values(cat.models).flatMap((m) => m.qualities));
  return [...set].sort((a, b) => (parseInt(a, 10) || 0) - (parseInt(b, 10) || 0));
}

/**
 * The quality of a video of this frame size, as the service reads an uploaded source: the highest
 * quality whose line count fits the short side, else the lowest (the simulator applies the same rule).
 */
export function qualityOfFrame(cat: Catalog, width: number, height: number): Quality {
  const short = Math.min(width, height);
  const ranked = allQualities(cat).filter((q) => /^\d+p$/.test(q));
  return ranked.filter((q) => parseInt(q, 10) <= short).at(-1) ?? ranked[0] ?? '540p';
}

/** Seconds of work a request is expected to take (queue + render), before any time scale. */
export function expectedRenderSeconds(cat: Catalog, spec: RenderSpec): number {
  const t = cat.timing;
  const output = spec.segments ? spec.segments.reduce((a, b) => a + b, 0) : (spec.duration ?? spec.sourceDuration ?? 5);
  let perSecond: number;
  if (spec.endpoint === 'videos/upscale') perSecond = t.upscale_s_per_output_s;
  else if (spec.endpoint === 'videos/lipsync') perSecond = t.lipsync_s_per_output_s;
  else perSecond = (t.render_s_per_output_s[qualityOf(cat, spec)] ?? 10) * (spec.motion === 'fast' ? t.fast_motion_factor : 1);
  return t.queue_s + perSecond * output;
}

/** Finds the closest name for did-you-mean hints (Levenshtein distance, case-insensitive). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const a = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(a, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
