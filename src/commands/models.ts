/**
 * `pixrender models`: the catalog as a person or a script reads it — per model whether the API still
 * lists it, which endpoints it serves (and is the default for), its qualities with their durations and
 * default, aspect ratios, the flags it takes (audio, multi_shot, preview_mode, seed, off-peak), its price
 * rule and every priced combination, and what its entry assumes; then the pricing rules of the
 * endpoints not priced by the model (upscale, lipsync, transitions).
 */
import type { Command } from '../cli.js';
import { loadProjectConfig } from '../config.js';
import { formatDiagnostic, hasErrors, withSourceTexts } from '../diagnostic.js';
import {
  ENDPOINTS,
  checkCombination,
  defaultModelFor,
  loadCatalog,
  modelSupports,
  priceOf,
  type AudioSupport,
  type Catalog,
  type CatalogOverrides,
  type Endpoint,
  type ModelPrice,
} from '../catalog.js';
import { refreshTemplates } from '../templates/source.js';
import { UsageError, parseFlags, withUsage } from './args.js';

export type EndpointSupport = 'yes' | 'no' | 'unconfirmed-allowed' | 'unconfirmed-denied';

export interface PricedCombination {
  quality: string;
  duration: number;
  /** Only on the Aug-2025 models that still have motion modes. */
  motion?: string;
  audio: boolean;
  credits: number;
  offPeakCredits: number | null;
}

export interface ModelReport {
  name: string;
  family: 'native' | 'third-party';
  listed: boolean;
  /** Endpoints this model is the default for. */
  defaultFor: Endpoint[];
  isDefault: boolean;
  endpoints: Record<Endpoint, EndpointSupport>;
  /** Quality → the durations it allows, as written (1-15, 5/8). */
  durations: Record<string, string>;
  defaultQuality: string;
  aspectRatios: string[];
  audio: AudioSupport;
  multiShot: boolean;
  previewMode: boolean;
  seed: boolean;
  offPeak: boolean;
  price: ModelPrice;
  priceRule: string;
  assumptions: string[];
  combinations: PricedCombination[];
  refused: { quality: string; duration: number; motion?: string; reason: string }[];
}

export interface PricingRuleReport {
  endpoint: Endpoint;
  rule: string;
  description: string;
  offPeak: boolean;
}

export interface ModelsReport {
  defaultModel: string;
  defaultModels: Partial<Record<Endpoint, string>>;
  /** Factors planned with where GET features gives none (1: no discount). */
  offPeakMultiplier: number;
  previewMultiplier: number;
  advertisedOffPeakMultiplier: number;
  unconfirmedEndpointSupport: 'allow' | 'deny';
  models: ModelReport[];
  pricing: PricingRuleReport[];
}

/** Builds the report from the built-in catalog merged with project overrides (when given). */
export function buildModelsReport(overrides?: CatalogOverrides): ModelsReport {
  const cat = loadCatalog(overrides);
  return {
    defaultModel: cat.defaultModel,
    defaultModels: Object.fromEntries(ENDPOINTS.filter((ep) => cat.defaultModels[ep]).map((ep) => [ep, defaultModelFor(cat, ep)])),
    offPeakMultiplier: cat.offPeakMultiplier,
    previewMultiplier: cat.previewMultiplier,
    advertisedOffPeakMultiplier: cat.advertisedOffPeakMultiplier,
    unconfirmedEndpointSupport: cat.unconfirmedEndpointSupport,
    models: Object.keys(cat.models).sort(compareModels(cat)).map((name) => modelReport(cat, name)),
    pricing: ENDPOINTS.map((endpoint) => pricingRule(cat, endpoint)),
  };
}

function modelReport(cat: Catalog, name: string): ModelReport {
  const spec = cat.models[name]!;
  const endpoints = Object.fromEntries(ENDPOINTS.map((ep) => [ep, endpointSupport(cat, name, ep)])) as Record<Endpoint, EndpointSupport>;
  // Prices are listed for create, or for the first model-priced endpoint the model serves.
  const endpoint = ENDPOINTS.find((ep) => cat.endpointPricing[ep]?.rule === 'table' && modelSupports(cat, name, ep)) ?? 'videos/create';
  const combinations: PricedCombination[] = [];
  const refused: ModelReport['refused'] = [];
  const durations: Record<string, string> = {};
  const motions = spec.motions.length > 0 ? spec.motions : [undefined];
  for (const quality of spec.qualities) {
    const allowed: number[] = [];
    for (const duration of spec.durations)
      for (const motion of motions)
        for (const audio of spec.audio === 'optional' ? [false, true] : [false]) {
          const renderSpec = { endpoint, model: name, quality, duration, ...(motion ? { motion } : {}), ...(audio ? { audio } : {}) };
          const reason = checkCombination(cat, renderSpec);
          if (reason) {
            if (!audio) refused.push({ quality, duration, ...(motion ? { motion } : {}), reason });
            continue;
          }
          if (!audio && (motion ?? 'normal') === 'normal') allowed.push(duration);
          const price = priceOf(cat, renderSpec);
          combinations.push({ quality, duration, ...(motion ? { motion } : {}), audio, credits: price.standard, offPeakCredits: spec.offPeak ? price.offPeak : null });
        }
    durations[quality] = runs(allowed);
  }
  const defaultFor = ENDPOINTS.filter((ep) => cat.defaultModels[ep] && defaultModelFor(cat, ep) === name);
  if (cat.transitionMultiFrameModel === name) defaultFor.push('videos/create-transition');
  return {
    name,
    family: spec.family,
    listed: spec.listed,
    defaultFor,
    isDefault: name === cat.defaultModel,
    endpoints,
    durations,
    defaultQuality: spec.defaultQuality,
    aspectRatios: spec.aspectRatios,
    audio: spec.audio,
    multiShot: spec.multiShot,
    previewMode: spec.previewMode,
    seed: spec.seed,
    offPeak: spec.offPeak,
    price: spec.price,
    priceRule: priceRuleText(spec.price),
    assumptions: spec.assumptions,
    combinations,
    refused,
  };
}

/** 1-15, or 5/8, or none. */
function runs(d: number[]): string {
  if (d.length === 0) return 'none';
  const run = d.length > 2 && d.every((x, i) => i === 0 || x === d[i - 1]! + 1);
  return run ? `${d[0]}-${d.at(-1)} s` : `${d.join('/')} s`;
}

function priceRuleText(p: ModelPrice): string {
  switch (p.rule) {
    case 'per-second':
      return `per second: ${Object.entries(p.perSecond).map(([q, r]) => `${q} ${r}`).join(', ')} credits/s${p.audioPerSecond ? `; audio +${p.audioPerSecond}/s` : '; audio included'}`;
    case 'table':
      return `table by quality and length (a length without its own row takes the next longer one): ${Object.entries(p.table)
        .map(([q, rows]) => `${q} ${Object.entries(rows).map(([s, c]) => `${s} s ${c.base}${c.audio !== undefined ? `/${c.audio} with audio` : ''}`).join(', ')}`)
        .join('; ')}`;
    case 'legacy-table':
      return 'the Aug-2025 quality × duration × motion table';
    case 'unknown':
      return `no published price: planned at the worst case, ${p.worstCasePerSecond} credits per second`;
    default:
      return unreachablePrice(p);
  }
}

function unreachablePrice(x: never): never {
  throw new Error(`unexpected price rule ${JSON.stringify(x)}`);
}

function endpointSupport(cat: Catalog, model: string, endpoint: Endpoint): EndpointSupport {
  const v = cat.models[model]?.endpoints[endpoint];
  if (v === true) return 'yes';
  if (v === false) return 'no';
  return cat.unconfirmedEndpointSupport === 'allow' ? 'unconfirmed-allowed' : 'unconfirmed-denied';
}

function pricingRule(cat: Catalog, endpoint: Endpoint): PricingRuleReport {
  const rule = cat.endpointPricing[endpoint];
  const offPeak = cat.offPeakEndpoints.includes(endpoint);
  let description: string;
  switch (rule.rule) {
    case 'table':
      description = "the model's price rule (as listed per model)";
      break;
    case 'table-per-segment':
      description = "the sum of the model's price of each segment";
      break;
    case 'per-second':
      description = `${rule.credits_per_second} credits per second of the source, rounded up`;
      break;
    case 'upscale': {
      const buckets = [...cat.upscale].sort((a, b) => a.source_duration_s - b.source_duration_s);
      const last = buckets[buckets.length - 1];
      description = [
        ...buckets.map((b) => `source ≤ ${b.source_duration_s} s: ${b.credits}`),
        ...(last ? [`longer: ${last.credits / last.source_duration_s} per second, rounded up`] : []),
      ].join('; ');
      break;
    }
  }
  return { endpoint, rule: rule.rule, description, offPeak };
}

/** Listed native models newest first (v6, v5.6, …, pixverse-c1), then third-party ones, then those no longer listed. */
function compareModels(cat: Catalog): (a: string, b: string) => number {
  const version = (s: string) => (/^v\d+(\.\d+)?/.test(s) ? parseFloat(s.slice(1)) : -1);
  const group = (s: string) => (!cat.models[s]!.listed ? 2 : cat.models[s]!.family === 'native' ? 0 : 1);
  return (a, b) => group(a) - group(b) || version(b) - version(a) || a.localeCompare(b);
}

const short = (ep: Endpoint): string => ep.replace('videos/', '');
const yesNo = (v: boolean): string => (v ? 'yes' : 'no');

export function formatModelsReport(report: ModelsReport): string {
  const defaults = Object.entries(report.defaultModels).map(([ep, m]) => `${short(ep as Endpoint)} ${m}`).join(', ');
  const lines: string[] = [
    `Models catalog — defaults: ${defaults}`,
    `Off-peak and preview prices = credits × the account's off_peak_discount / preview_mode_discount (GET features), rounded up;` +
      ` unread: × ${report.offPeakMultiplier} / × ${report.previewMultiplier} (the documentation advertises × ${report.advertisedOffPeakMultiplier})` +
      (report.unconfirmedEndpointSupport === 'allow' ? '; unconfirmed endpoints are allowed' : '; unconfirmed endpoints are refused'),
  ];
  for (const m of report.models) {
    const tags = [m.family === 'third-party' ? 'third-party' : '', m.listed ? '' : 'no longer listed', m.defaultFor.length ? `default for ${m.defaultFor.map(short).join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    lines.push('', `${m.name}${tags ? ` (${tags})` : ''}`);
    const served = ENDPOINTS.filter((ep) => m.endpoints[ep] !== 'no' && m.endpoints[ep] !== 'unconfirmed-denied');
    lines.push(`  endpoints: ${served.map((ep) => `${short(ep)}${m.endpoints[ep] === 'yes' ? '' : ' (unconfirmed)'}`).join(', ') || 'none'}`);
    lines.push(`  qualities: ${Object.entries(m.durations).map(([q, d]) => `${q} ${d}`).join(', ')}; default ${m.defaultQuality}`);
    lines.push(`  aspect ratios: ${m.aspectRatios.join(' ')}`);
    lines.push(`  audio ${m.audio}, multi_shot ${yesNo(m.multiShot)}, preview_mode ${yesNo(m.previewMode)}, seed ${yesNo(m.seed)}, off-peak ${yesNo(m.offPeak)}`);
    lines.push(`  price: ${m.priceRule}`);
    if (m.price.rule === 'legacy-table') {
      const rows = m.combinations.map((c) => [c.quality, `${c.duration} s`, c.motion ?? '', String(c.credits), c.offPeakCredits === null ? '-' : String(c.offPeakCredits)]);
      lines.push(...table(['quality', 'duration', 'motion', 'credits', 'off-peak'], rows).map((l) => `    ${l}`));
      for (const r of m.refused) lines.push(`  not offered: ${r.quality} ${r.duration} s ${r.motion ?? ''} (${r.reason})`);
    }
    for (const a of m.assumptions) lines.push(`  assumed: ${a}`);
  }
  lines.push('', 'Pricing by endpoint');
  const width = Math.max(...report.pricing.map((p) => p.endpoint.length));
  for (const p of report.pricing) lines.push(`  ${p.endpoint.padEnd(width)}  ${p.description}${p.offPeak ? '; off-peak available' : '; no off-peak'}`);
  return `${lines.join('\n')}\n`;
}

/** Columns left-aligned for text, right-aligned for numbers. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^(\d+|-)$/.test(r[i]!)));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/**
 * Project catalog overrides (`catalog:` in the project config found from the current directory), or
 * none with --config-free; `invalid` when the config has errors (printed), since prices would be wrong.
 */
async function projectOverrides(configFree: boolean): Promise<{ overrides?: CatalogOverrides; invalid: boolean }> {
  if (configFree) return { invalid: false };
  const { config, diagnostics, sources } = await loadProjectConfig(process.cwd());
  const texts = withSourceTexts(diagnostics, sources);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, texts)}\n`);
  if (hasErrors(diagnostics)) return { invalid: true };
  return { ...(config.catalog ? { overrides: config.catalog as CatalogOverrides } : {}), invalid: false };
}

const usage = `Usage: pixrender models [--json] [--config-free] [--refresh]

Prints the models catalog: per model whether the API still lists it, the endpoints it serves (and is
the default for), qualities with their durations and the default quality, aspect ratios, audio /
multi_shot / preview_mode / seed / off-peak, the price rule and what the entry assumes; then the
pricing rules of upscale, lipsync and transitions. --json adds every priced combination.

Options:
  --json         print machine-readable JSON
  --config-free  ignore the project config's catalog overrides
  --refresh      read the effect, voice and restyle lists from the API now (cached in .pixrender/)`;

export const command: Command = {
  summary: 'print the models catalog: capabilities and credit prices',
  usage,
  run: (argv) =>
    withUsage(async () => {
      const flags = parseFlags(argv, { json: { type: 'boolean' }, 'config-free': { type: 'boolean' }, refresh: { type: 'boolean' } }, usage);
      if (flags.positionals.length > 0) throw new UsageError(`unexpected argument "${flags.positionals[0]}"\n\n${usage}`);
      const project = await projectOverrides(flags.values['config-free'] === true);
      if (project.invalid) {
        process.stderr.write('pixrender models: the project config has errors (use --config-free to print the built-in catalog)\n');
        return 2;
      }
      if (flags.values.refresh === true) {
        const refreshed = await refreshTemplates(process.cwd(), (await loadProjectConfig(process.cwd())).config, loadCatalog(project.overrides));
        process.stderr.write(`${refreshed.line}\n`);
        if (!refreshed.ok) return 1;
      }
      const report = buildModelsReport(project.overrides);
      process.stdout.write(flags.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatModelsReport(report));
      return 0;
    }),
};
