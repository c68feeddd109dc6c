/** Continues a video (POST videos/extend): a job, a local video, or the step before. */
import type { RequestBuilder } from '../manifest/request.js';
import { sourceVideo } from '../sim/sources.js';
import { readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, template, output, sourceOf, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { checkPrompts, checkStyle, videoSource } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const extend = defineKind({
  kind: 'extend',
  key: 'extend',
  endpoint: 'videos/extend',
  fieldTypes: fieldTypes<{ extend?: string }>(),
  fields: ['extend', 'prompt', 'negativePrompt', 'model', 'quality', 'duration', 'motion', 'seed', 'style', 'audio'],
  seeded: true,
  schema: {
    extend: {
      $ref: '#/$defs/ref',
      description: 'Continue a video (POST videos/extend): a job (→ `video_id`) or a local video asset or path (→ `video_path`).',
      examples: ['intro'],
    },
  },
  step: {
    description: 'Continue the previous video (POST videos/extend). Settings not given here come from the job above.',
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {
      prompt: { $ref: '#/$defs/prompt' },
      negativePrompt: { $ref: '#/$defs/negativePrompt' },
      model: { $ref: '#/$defs/model' },
      quality: { $ref: '#/$defs/quality' },
      duration: { $ref: '#/$defs/duration' },
      motion: { $ref: '#/$defs/motion' },
      seed: { $ref: '#/$defs/seed' },
      style: { $ref: '#/$defs/style' },
      offPeak: { $ref: '#/$defs/offPeak' },
    },
    examples: [{ prompt: 'The camera pulls back to reveal a sunny kitchen' }],
  },
  build,
  sim: { build: simulate },
  plan: { length: 'duration', seconds: 'source+own', quality: 'own' },
  media: { video_path: 'video' },
  relation: 'extends',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'extend', true);
  b.putSettings('model');
  b.put('prompt', b.field<string>('prompt'));
  b.putSettings('negativePrompt', 'quality', 'duration', 'motion', 'style', 'audio', 'seed');
  checkStyle(b);
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration'), motion: b.value('motion') });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const src = sourceVideo(f, lookup);
  const prompt = readPrompt(f, cat, 'prompt', false);
  readPrompt(f, cat, 'negative_prompt', false);
  const effect = template(f, templates);
  const m = model(f, cat, 'videos/extend');
  const s = settings(f, cat, m);
  const style = f.oneOf('style', cat.styles);
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/extend', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, src.aspectRatio, src.duration + s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat), style, template_id: effect?.template_id },
  };
}
