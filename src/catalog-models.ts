/**
 * The per-model part of the catalog, derived from the reference files as they are: today's models from
 * catalog/models-2026.json, the Aug-2025 models a project may still pin from catalog/models.json, and
 * what both leave unknown from catalog/assumptions.json (`today`). Every value taken from an assumption
 * is named in the model's `assumptions`, so `pixrender models` can show what a price rests on.
 */
import type { ModelLimit, ModelPrice, ModelSpec, PriceCell } from './catalog.js';

type Json = any;

const isEndpointKey = (k: string): boolean => /^videos\/[a-z-]+$/.test(k);
const range = (min: number, max: number): number[] => Array.from({ length: max - min + 1 }, (_, i) => min + i);
const val = (entry: Json): Json => (entry && typeof entry === 'object' && 'value' in entry ? entry.value : undefined);

/** Today's models (models-2026.json) with the assumptions filled in. */
/** `endpoints`: every endpoint the client knows; one the 2026 reference does not list for a model is not supported. */
export function todaysModels(ref: Json, assumed: Json, known: readonly string[]): Record<string, ModelSpec> {
  const t = assumed.today;
  const legacy: string[] = t.legacy_models.models;
  const out: Record<string, ModelSpec> = {};
  for (const [name, m] of Object.entries<Json>(ref.models)) {
    if (legacy.includes(name)) continue;
    out[name] = todaysModel(name, m, ref, t, known);
  }
  // A model priced like another takes that model's rule, without the audio cells when it takes no audio.
  for (const [name, spec] of Object.entries(out)) {
    const like = t.prices[name]?.same_as as string | undefined;
    const from = like ? out[like]?.price : undefined;
    if (!from) continue;
    spec.price = from.rule === 'table' && spec.audio !== 'optional' ? withoutAudio(from) : structuredClone(from);
    spec.assumptions.push(`price: the ${like} rule (${t.prices[name].why})`);
  }
  return out;
}

function todaysModel(name: string, m: Json, ref: Json, t: Json, known: readonly string[]): ModelSpec {
  const thirdParty = m.family !== 'native';
  const assumptions: string[] = [];
  const unknownCap = t.unknown_capability;
  const caps = t.capabilities[name] ?? {};

  const dur = val(m.durations_s) ?? (assumptions.push(`durations ${t.third_party.durations_s.min}-${t.third_party.durations_s.max} s (not read)`), t.third_party.durations_s);
  const q = val(m.qualities) ?? (assumptions.push(`qualities ${t.third_party.qualities.join('/')} (not read)`), { values: t.third_party.qualities });
  const qualities: string[] = q.values;
  const limits: ModelLimit[] = [];
  for (const [quality, max] of Object.entries<number>(q.max_duration_s_by_quality ?? {}))
    if (max < dur.max) limits.push({ quality, durations: range(dur.min, max) });
  let defaultQuality: string | undefined = caps.default_quality ?? q.default ?? undefined;
  if (caps.default_quality) assumptions.push(`default quality ${caps.default_quality} (not read)`);
  defaultQuality ??= qualities[0]!;
  const aspect = val(m.aspect_ratios)?.values ?? (assumptions.push('aspect ratios (not read)'), t.third_party.aspect_ratios);

  const flag = (key: 'multi_shot' | 'preview_mode' | 'off_peak_mode' | 'seed'): boolean => {
    const v = val(m[key]);
    if (typeof v === 'boolean') return v;
    assumptions.push(`${key}: ${unknownCap[key] ? 'accepted' : 'not offered'} (unknown)`);
    return unknownCap[key];
  };
  const audioValue = val(m.audio);
  let audio: ModelSpec['audio'];
  if (audioValue === null || audioValue === undefined) {
    audio = unknownCap.audio;
    assumptions.push(`audio: ${unknownCap.audio === 'none' ? 'not offered' : unknownCap.audio} (unknown)`);
  } else if (!audioValue.supported) audio = 'none';
  else audio = /always on|native/.test(String(audioValue.control)) ? 'always' : 'optional';

  const endpoints: ModelSpec['endpoints'] = Object.fromEntries(known.map((ep) => [ep, false]));
  for (const [ep, v] of Object.entries<Json>(m.endpoints ?? {})) if (isEndpointKey(ep)) (endpoints as Record<string, boolean | null>)[ep] = v.value;
  // Upscale takes no model: any finished video can be upscaled.
  (endpoints as Record<string, boolean | null>)['videos/upscale'] = true;

  return {
    name,
    family: thirdParty ? 'third-party' : 'native',
    listed: true,
    listedOn: Object.keys(endpoints).filter((ep) => endpoints[ep as keyof typeof endpoints]) as ModelSpec['listedOn'],
    qualities,
    defaultQuality,
    durations: range(dur.min, dur.max),
    motions: [],
    aspectRatios: aspect,
    offPeak: flag('off_peak_mode'),
    audio,
    multiShot: flag('multi_shot'),
    previewMode: flag('preview_mode'),
    seed: flag('seed'),
    limits,
    endpoints,
    removedFields: val(ref.global.removed_fields) ?? [],
    price: priceRule(name, m, t, assumptions),
    assumptions,
  };
}

function priceRule(name: string, m: Json, t: Json, assumptions: string[]): ModelPrice {
  const p = val(m.price) ?? {};
  const fill = t.prices[name] ?? {};
  if (p.rule === 'per_second') {
    const audioPerSecond = fill.audio_surcharge_per_second ?? p.audio_surcharge ?? 0;
    return { rule: 'per-second', perSecond: p.credits_per_second_by_quality, audioPerSecond };
  }
  if (p.credits_by_quality_duration) {
    const table: Record<string, Record<string, PriceCell>> = {};
    for (const source of [p.credits_by_quality_duration, fill.fill ?? {}])
      for (const [quality, rows] of Object.entries<Json>(source))
        for (const [seconds, cell] of Object.entries<Json>(rows))
          (table[quality] ??= {})[seconds] = { base: cell.no_audio, ...(cell.audio !== undefined ? { audio: cell.audio } : {}) };
    if (fill.assumed_cells) assumptions.push(`price cells ${fill.assumed_cells}`);
    assumptions.push('price: a length without its own row is priced at the next longer row');
    return { rule: 'table', table };
  }
  if (fill.rule === 'per_second') {
    assumptions.push(`price ${JSON.stringify(fill.credits_per_second_by_quality)} credits/s (${fill.why})`);
    return { rule: 'per-second', perSecond: fill.credits_per_second_by_quality, audioPerSecond: fill.audio_surcharge_per_second ?? 0 };
  }
  if (fill.same_as) return { rule: 'unknown', worstCasePerSecond: t.third_party.worst_case_credits_per_second }; // replaced once all are built
  assumptions.push(`price unknown: planned at the worst case, ${t.third_party.worst_case_credits_per_second} credits/s`);
  return { rule: 'unknown', worstCasePerSecond: t.third_party.worst_case_credits_per_second };
}

function withoutAudio(price: ModelPrice): ModelPrice {
  if (price.rule !== 'table') return price;
  const table: Record<string, Record<string, PriceCell>> = {};
  for (const [q, rows] of Object.entries(price.table)) for (const [s, cell] of Object.entries(rows)) (table[q] ??= {})[s] = { base: cell.base };
  return { rule: 'table', table };
}

/** The Aug-2025 models a project may pin (models.json), no longer listed by the API. */
export function legacyModels(ref2025: Json, today: Json, assumed: Json): Record<string, ModelSpec> {
  const g = ref2025.global;
  const out: Record<string, ModelSpec> = {};
  for (const name of assumed.today.legacy_models.models as string[]) {
    const m = ref2025.models[name];
    if (!m) continue;
    const limits: ModelLimit[] = [];
    for (const [key, limit] of Object.entries<Json>(m.limits ?? {})) {
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
    for (const [ep, v] of Object.entries<Json>(m.endpoints ?? {})) (endpoints as Record<string, boolean | null>)[ep] = v.value;
    const qualities: string[] = m.qualities?.values ?? g.qualities.values;
    out[name] = {
      name,
      family: 'native',
      listed: false,
      listedOn: Object.entries<Json>(today.models[name]?.endpoints ?? {}).filter(([, v]) => v.value === true).map(([ep]) => ep) as ModelSpec['listedOn'],
      qualities,
      defaultQuality: m.qualities?.default ?? '540p',
      durations: m.durations_s?.values ?? g.durations_s.values,
      motions: m.motion_modes?.values ?? g.motion_modes.values,
      aspectRatios: m.aspect_ratios?.values ?? g.aspect_ratios.values,
      offPeak: m.off_peak?.value ?? true,
      audio: 'none',
      multiShot: false,
      previewMode: false,
      seed: true,
      limits,
      endpoints,
      removedFields: [],
      price: { rule: 'legacy-table' },
      assumptions: ['no longer listed by the API (2026): whether it is still accepted is unknown'],
    };
  }
  return out;
}
