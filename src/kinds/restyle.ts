/** Restyles a video (POST videos/restyle) with a preset and/or a prompt. */
import { modelSupports, restyleSpec } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import { jobRestyle } from '../templates/manifest.js';
import { sourceVideo } from '../sim/sources.js';
import { FieldError, readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, output, sourceOf, type GenerationContext, type SimBuilt } from '../sim/wire.js';
import { checkPrompts, videoSource } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const restyle = defineKind({
  kind: 'restyle',
  key: 'restyle',
  endpoint: 'videos/restyle',
  fieldTypes: fieldTypes<{ restyle?: string }>(),
  fields: ['restyle', 'prompt', 'style', 'model', 'seed'],
  seeded: true,
  schema: {
    restyle: {
      $ref: '#/$defs/ref',
      description: 'Restyle a video (POST videos/restyle): a job (→ `video_id`) or a local video asset or path (→ `video_path`). Give `style` (a preset) and/or `prompt`.',
      examples: ['pour'],
    },
  },
  step: {
    description: 'Restyle the previous video (POST videos/restyle) with a preset `style` and/or a `prompt`.',
    type: 'object',
    additionalProperties: false,
    properties: {
      style: { $ref: '#/$defs/style' },
      prompt: { $ref: '#/$defs/prompt' },
      model: { $ref: '#/$defs/model' },
      seed: { $ref: '#/$defs/seed' },
      offPeak: { $ref: '#/$defs/offPeak' },
    },
    examples: [{ style: 'anime' }],
  },
  build,
  sim: { build: simulate },
  plan: {
    length: 'duration',
    seconds: 'source',
    quality: 'source',
    priceSpec: (cat, spec, source) => restyleSpec(cat, spec.model, source.quality, source.seconds ?? 5),
  },
  media: { video_path: 'video' },
  relation: 'restyles',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'restyle', true);
  const cat = b.ctx.catalog;
  // Restyle is a v4 feature, and its styles are presets, not the create/extend `style`: both the model
  // and the style come from the job (or step) itself, never from defaults.
  const model = b.inst.own.model ?? Object.keys(cat.models).find((m) => modelSupports(cat, m, 'videos/restyle') === true);
  const styleName = b.inst.own.style;
  const preset = styleName === undefined ? undefined : jobRestyle(b, styleName, b.pathOf('style'));
  const prompt = b.field<string>('prompt') ?? preset?.prompt;
  if (prompt === undefined && styleName === undefined)
    b.error('missing-prompt', `restyle job "${b.inst.id}" needs a style (a preset) or a prompt`, b.inst.location);
  b.put('model', model);
  b.put('prompt', prompt);
  b.put('restyle_id', preset?.restyle_id);
  b.putSeed();
  checkPrompts(b);
  if (model === undefined) b.error('invalid-combination', 'no model in the catalog supports videos/restyle', b.inst.location);
  else b.checkRender({ model });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', true);
  const m = model(f, cat, 'videos/restyle');
  const restyleId = f.integer('restyle_id');
  if (restyleId !== undefined && !templates.restyles.some((r) => r.restyle_id === restyleId))
    throw new FieldError(`Parameter restyle_id: unknown restyle ${restyleId} (see GET videos/restyles)`);
  const spec = restyleSpec(cat, m, src.quality, src.duration);
  return {
    ...sourceOf(src),
    spec,
    output: output(src.quality, src.aspectRatio, src.duration, { width: src.width, height: src.height }),
    fields: { prompt, model: m, seed: readSeed(f, cat), restyle_id: restyleId },
  };
}
