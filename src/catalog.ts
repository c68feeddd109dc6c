/**
 * The models catalog: capabilities, limits and credit prices as typed data.
 *
 * Built from catalog/models.json (the API reference catalog, verbatim) and catalog/assumptions.json
 * (what the reference leaves UNCONFIRMED). Project config can extend or override any part, so a new
 * model (v5.5, v6, ...) or a changed price is data, not code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ENDPOINTS = [
  'videos/create',
  'videos/create-frames',
  'videos/extend',
  'videos/restyle',
  'videos/create-fusion',
  'videos/create-transition',
  'videos/lipsync',
  'videos/upscale',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

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

export interface ModelSpec {
  name: string;
  qualities: Quality[];
  durations: number[];
  motions: Motion[];
  aspectRatios: string[];
  offPeak: boolean;
  limits: ModelLimit[];
  /** true: supported; false: not supported; null: unconfirmed (see `unconfirmedEndpointSupport`). */
  endpoints: Partial<Record<Endpoint, boolean | null>>;
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
  defaultModel: string;
  unconfirmedEndpointSupport: 'allow' | 'deny';
  prices: PriceTable;
  /** Off-peak price = standard × this, rounded up. A plan's `off_peak_discount` (GET features) overrides it. */
  offPeakMultiplier: number;
  offPeakEndpoints: Endpoint[];
  upscale: { source_duration_s: number; credits: number }[];
  endpointPricing: Record<Endpoint, PricingRule>;
  aspectRatios: string[];
  styles: string[];
  promptMaxChars: number;
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

const catalogDir = fileURLToPath(new URL('../catalog/', import.meta.url));
const readJson = (name: string): any => JSON.parse(readFileSync(catalogDir + name, 'utf8'));

let baseCatalog: Catalog | undefined;

/** The built-in catalog, optionally with project overrides merged in. */
export function loadCatalog(overrides?: CatalogOverrides): Catalog {
  baseCatalog ??= buildBaseCatalog(readJson('models.json'), readJson('assumptions.json'));
  return overrides ? (deepMerge(baseCatalog, overrides) as Catalog) : structuredClone(baseCatalog);
}

function buildBaseCatalog(ref: any, assumed: any): Catalog {
  const g = ref.global;
  const models: Record<string, ModelSpec> = {};
  for (const [name, m] of Object.entries<any>(ref.models)) {
    const limits: ModelLimit[] = [];
    for (const [key, limit] of Object.entries<any>(m.limits ?? {})) {
      if (key === 'confidence') continue;
      const [quality, motion] = key.split('_') as [string, string | undefined];
      limits.push({
        quality,
        ...(motion ? { motion } : {}),
        ...(limit.durations_s ? { durations: limit.durations_s } : {}),
        ...(limit.motion_modes ? { motions: limit.motion_modes } : {}),
      });
    }
    const endpoints: ModelSpec['endpoints'] = {};
    for (const [ep, v] of Object.entries<any>(m.endpoints ?? {})) endpoints[ep as Endpoint] = v.value;
    models[name] = {
      name,
      qualities: m.qualities?.values ?? g.qualities.values,
      durations: m.durations_s?.values ?? g.durations_s.values,
      motions: m.motion_modes?.values ?? g.motion_modes.values,
      aspectRatios: m.aspect_ratios?.values ?? g.aspect_ratios.values,
      offPeak: m.off_peak?.value ?? true,
      limits,
      endpoints,
    };
  }
  const { $comment: _c, ...extraPrices } = assumed.extra_prices;
  const pricing = Object.fromEntries(
    Object.entries<any>(assumed.endpoint_pricing).filter(([k]) => k !== '$comment'),
  ) as Record<Endpoint, PricingRule>;
  const { $comment: _t, ...timing } = assumed.timing;
  return {
    models,
    defaultModel: assumed.default_model,
    unconfirmedEndpointSupport: assumed.unconfirmed_endpoint_support,
    prices: deepMerge(ref.credit_costs.credits_by_quality_duration_motion, extraPrices) as PriceTable,
    offPeakMultiplier: ref.off_peak.credit_multiplier,
    offPeakEndpoints: assumed.off_peak_endpoints,
    upscale: ref.credit_costs.upscale_4k.map((u: any) => ({
      source_duration_s: u.source_duration_s,
      credits: u.credits_web_premium,
    })),
    endpointPricing: pricing,
    aspectRatios: g.aspect_ratios.values,
    styles: g.styles.values,
    promptMaxChars: g.prompt_max_chars.value,
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
 * Checks a model × quality × duration × motion combination. Returns the reason it is refused, or null.
 * Endpoints without generation settings (upscale, lipsync) are always allowed here.
 */
export function checkCombination(cat: Catalog, spec: RenderSpec): string | null {
  if (spec.endpoint === 'videos/upscale' || spec.endpoint === 'videos/lipsync') return null;
  const model = spec.model ?? cat.defaultModel;
  const m = cat.models[model];
  if (!m) return `unknown model "${model}"`;
  if (modelSupports(cat, model, spec.endpoint) === false) return `model ${model} does not support ${spec.endpoint}`;
  const quality = spec.quality ?? '540p';
  const motion = spec.motion ?? 'normal';
  if (!m.qualities.includes(quality)) return `model ${model} has no quality ${quality}`;
  if (!m.motions.includes(motion)) return `model ${model} has no motion mode ${motion}`;
  const durations = spec.segments ?? [spec.duration ?? 5];
  for (const duration of durations) {
    if (!m.durations.includes(duration)) return `model ${model} has no duration ${duration} s`;
    for (const limit of m.limits) {
      if (limit.quality !== quality || (limit.motion && limit.motion !== motion)) continue;
      const what = `${quality}${limit.motion ? ` ${limit.motion}` : ''}`;
      if (limit.durations && !limit.durations.includes(duration))
        return `model ${model} allows ${what} only at ${limit.durations.join('/')} s`;
      if (limit.motions && !limit.motions.includes(motion))
        return `model ${model} allows ${what} only with motion ${limit.motions.join('/')}`;
    }
    if (cat.prices[quality]?.[String(duration)]?.[motion] === undefined)
      return `no price for ${quality} ${duration} s ${motion}`;
  }
  return null;
}

export interface Price {
  standard: number;
  /** null when the endpoint or model has no off-peak mode. */
  offPeak: number | null;
}

/** Credits for one request, standard and off-peak. Throws on a combination checkCombination refuses. */
export function priceOf(cat: Catalog, spec: RenderSpec, offPeakMultiplier = cat.offPeakMultiplier): Price {
  const rule = cat.endpointPricing[spec.endpoint];
  const tablePrice = (duration: number): number => {
    const p = cat.prices[spec.quality ?? '540p']?.[String(duration)]?.[spec.motion ?? 'normal'];
    if (p === undefined) throw new Error(`no price for ${spec.quality} ${duration} s ${spec.motion}`);
    return p;
  };
  let standard: number;
  if (spec.templateCredits !== undefined) standard = spec.templateCredits;
  else switch (rule.rule) {
    case 'table':
      standard = tablePrice(spec.duration ?? 5);
      break;
    case 'table-per-segment':
      standard = (spec.segments ?? [spec.duration ?? 5]).reduce((sum, d) => sum + tablePrice(d), 0);
      break;
    case 'per-second':
      standard = Math.ceil(rule.credits_per_second * (spec.sourceDuration ?? 5));
      break;
    case 'upscale': {
      const source = spec.sourceDuration ?? 5;
      const sorted = [...cat.upscale].sort((a, b) => a.source_duration_s - b.source_duration_s);
      const bucket = sorted.find((u) => source <= u.source_duration_s);
      const last = sorted[sorted.length - 1]!;
      standard = bucket ? bucket.credits : Math.ceil((last.credits * source) / last.source_duration_s);
      break;
    }
  }
  const model = spec.model ? cat.models[spec.model] : undefined;
  const offPeakAllowed = cat.offPeakEndpoints.includes(spec.endpoint) && (model?.offPeak ?? true);
  return { standard, offPeak: offPeakAllowed ? Math.ceil(standard * offPeakMultiplier) : null };
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
  else perSecond = (t.render_s_per_output_s[spec.quality ?? '540p'] ?? 10) * (spec.motion === 'fast' ? t.fast_motion_factor : 1);
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
