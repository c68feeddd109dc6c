/**
 * `pixrender models`: the catalog as a person or a script reads it — per model, which endpoints it
 * serves and every allowed quality × duration × motion with its standard and off-peak credits, then
 * the pricing rules of the endpoints not priced by that table (upscale, lipsync, transitions).
 */
import type { Command } from '../cli.js';
import { loadProjectConfig } from '../config.js';
import { formatDiagnostic, hasErrors, withSourceTexts } from '../diagnostic.js';
import { ENDPOINTS, checkCombination, loadCatalog, modelSupports, priceOf, type Catalog, type CatalogOverrides, type Endpoint } from '../catalog.js';
import { refreshTemplates } from '../templates/source.js';
import { UsageError, parseFlags, withUsage } from './args.js';

export type EndpointSupport = 'yes' | 'no' | 'unconfirmed-allowed' | 'unconfirmed-denied';

export interface PricedCombination {
  quality: string;
  duration: number;
  motion: string;
  credits: number;
  offPeakCredits: number | null;
}

export interface ModelReport {
  name: string;
  isDefault: boolean;
  offPeak: boolean;
  aspectRatios: string[];
  endpoints: Record<Endpoint, EndpointSupport>;
  combinations: PricedCombination[];
  refused: { quality: string; duration: number; motion: string; reason: string }[];
}

export interface PricingRuleReport {
  endpoint: Endpoint;
  rule: string;
  description: string;
  offPeak: boolean;
}

export interface ModelsReport {
  defaultModel: string;
  offPeakMultiplier: number;
  unconfirmedEndpointSupport: 'allow' | 'deny';
  models: ModelReport[];
  pricing: PricingRuleReport[];
}

/** Builds the report from the built-in catalog merged with project overrides (when given). */
export function buildModelsReport(overrides?: CatalogOverrides): ModelsReport {
  const cat = loadCatalog(overrides);
  return {
    defaultModel: cat.defaultModel,
    offPeakMultiplier: cat.offPeakMultiplier,
    unconfirmedEndpointSupport: cat.unconfirmedEndpointSupport,
    models: Object.keys(cat.models).sort(compareModels).map((name) => modelReport(cat, name)),
    pricing: ENDPOINTS.map((endpoint) => pricingRule(cat, endpoint)),
  };
}

function modelReport(cat: Catalog, name: string): ModelReport {
  const spec = cat.models[name]!;
  const endpoints = Object.fromEntries(ENDPOINTS.map((ep) => [ep, endpointSupport(cat, name, ep)])) as Record<Endpoint, EndpointSupport>;
  // Prices are listed for create, or for the first table-priced endpoint the model serves.
  const endpoint = ENDPOINTS.find((ep) => cat.endpointPricing[ep]?.rule === 'table' && modelSupports(cat, name, ep)) ?? 'videos/create';
  const combinations: PricedCombination[] = [];
  const refused: ModelReport['refused'] = [];
  for (const quality of spec.qualities)
    for (const duration of spec.durations)
      for (const motion of spec.motions) {
        const renderSpec = { endpoint, model: name, quality, duration, motion };
        const reason = checkCombination(cat, renderSpec);
        if (reason) refused.push({ quality, duration, motion, reason });
        else {
          const price = priceOf(cat, renderSpec);
          combinations.push({ quality, duration, motion, credits: price.standard, offPeakCredits: spec.offPeak ? price.offPeak : null });
        }
      }
  return { name, isDefault: name === cat.defaultModel, offPeak: spec.offPeak, aspectRatios: spec.aspectRatios, endpoints, combinations, refused };
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
      description = 'quality × duration × motion table (as listed per model)';
      break;
    case 'table-per-segment':
      description = 'sum of the table price of each segment (quality × segment seconds × motion)';
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

/** v4 < v4.5 < v5 < v5.5 < v6; names that are not versions sort after, alphabetically. */
function compareModels(a: string, b: string): number {
  const version = (s: string) => (/^v\d+(\.\d+)?$/.test(s) ? Number(s.slice(1)) : Infinity);
  return version(a) - version(b) || a.localeCompare(b);
}

export function formatModelsReport(report: ModelsReport): string {
  const lines: string[] = [
    `Models catalog — default model ${report.defaultModel}; off-peak price = credits × ${report.offPeakMultiplier}, rounded up` +
      (report.unconfirmedEndpointSupport === 'allow' ? '; unconfirmed endpoints are allowed' : '; unconfirmed endpoints are refused'),
  ];
  for (const m of report.models) {
    lines.push('', `${m.name}${m.isDefault ? ' (default)' : ''}${m.offPeak ? '' : ' — no off-peak mode'}`);
    lines.push(`  endpoints: ${ENDPOINTS.map((ep) => `${ep.replace('videos/', '')} ${m.endpoints[ep]}`).join(', ')}`);
    lines.push(`  aspect ratios: ${m.aspectRatios.join(' ')}`);
    const rows = m.combinations.map((c) => [c.quality, `${c.duration} s`, c.motion, String(c.credits), c.offPeakCredits === null ? '-' : String(c.offPeakCredits)]);
    lines.push(...table(['quality', 'duration', 'motion', 'credits', 'off-peak'], rows).map((l) => `  ${l}`));
    for (const r of m.refused) lines.push(`  not offered: ${r.quality} ${r.duration} s ${r.motion} (${r.reason})`);
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

Prints the models catalog: per model the endpoints it supports (yes / no / unconfirmed), every allowed
quality × duration × motion with standard and off-peak credits, and the pricing rules of upscale,
lipsync and transitions.

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
