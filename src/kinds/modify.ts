/**
 * Changes what happens in a video by prompt, keeping its length (POST videos/modify, 2026 reference
 * §4.7): a job's video or a local one; model v5.5 only; 360p, 540p or 720p.
 */
import { ceilCredits, modelOf, priceOf, qualityOf, type Catalog, type Price, type PriceFactors, type RenderSpec } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import { sourceVideo } from '../sim/sources.js';
import { readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { output, sourceOf, type GenerationContext, type SimBuilt } from '../sim/wire.js';
import { checkPrompts, ownChoice, videoSource } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

const MODELS = ['v5.5'];
const QUALITIES = ['360p', '540p', '720p'];

export const modify = defineKind({
  kind: 'modify',
  key: 'modify',
  endpoint: 'videos/modify',
  fieldTypes: fieldTypes<{ modify?: string }>(),
  fields: ['modify', 'prompt', 'model', 'quality', 'seed'],
  seeded: true,
  schema: {
    modify: {
      $ref: '#/$defs/ref',
      description:
        'Change what happens in a video by prompt, keeping its length (POST videos/modify): a job (→ `video_id`) or a local video asset or path (→ `video_path`). Needs `prompt`; model v5.5 only; quality 360p, 540p (default) or 720p.',
      examples: ['intro'],
    },
  },
  build,
  sim: { build: simulate, ownLimits: true },
  plan: { length: 'source', seconds: 'source', quality: 'own', price },
  media: { video_path: 'video' },
  catalog: {
    pricing: { rule: 'table' },
    offPeak: true,
    assumption:
      'UNCONFIRMED: modify is billed by length x quality with no published numbers; priced as the table row at or above the source length (v5.x table), and beyond the longest row pro rata from it.',
  },
  relation: 'modifies',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'modify', true);
  const prompt = b.field<string>('prompt');
  if (prompt === undefined) b.error('missing-prompt', `modify job "${b.inst.id}" needs a prompt: what should change in the video`, b.inst.location);
  b.put('model', ownChoice(b, 'model', MODELS, MODELS[0]!));
  b.put('prompt', prompt);
  b.put('quality', ownChoice(b, 'quality', QUALITIES, '540p'));
  b.putSeed();
  checkPrompts(b);
}

/** The source's length, at the model's table row at or above it; longer than every row: pro rata from the longest (safe side). */
function price(cat: Catalog, spec: RenderSpec, factors: Partial<PriceFactors>): Price {
  const seconds = spec.sourceDuration ?? 5;
  const model = cat.models[modelOf(cat, spec)];
  const table = model?.price.rule === 'table' ? model.price.table[qualityOf(cat, spec)] : undefined;
  const longest = Math.max(...Object.keys(table ?? { 5: 0 }).map(Number));
  const base = priceOf(cat, { ...spec, duration: Math.min(seconds, longest) }, factors);
  if (seconds <= longest) return base;
  const standard = ceilCredits((base.standard * seconds) / longest);
  return { ...base, standard, offPeak: base.offPeak === null ? null : ceilCredits(standard * (factors.offPeak ?? cat.offPeakMultiplier)) };
}

function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', true);
  const model = f.oneOf('model', MODELS, MODELS[0])!;
  const quality = f.oneOf('quality', QUALITIES, '540p')!;
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/modify', model, quality, sourceDuration: src.duration },
    output: output(quality, src.aspectRatio, src.duration),
    fields: { prompt, model, seed: readSeed(f, cat) },
  };
}
