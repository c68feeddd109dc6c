/** Composes up to three reference images into one video (POST videos/create-fusion). */
import { closest, promptMaxCharsFor } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadPath } from '../sim/sources.js';
import { FieldError, readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, output, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { defineKind, fieldTypes } from './types.js';

export const fusion = defineKind({
  kind: 'fusion',
  key: 'fusion',
  endpoint: 'videos/create-fusion',
  fieldTypes: fieldTypes<{ fusion?: { images: Record<string, FrameRefSpec> } }>(),
  fields: ['fusion', 'prompt', 'model', 'quality', 'duration', 'aspect', 'seed'],
  seeded: true,
  schema: {
    fusion: {
      description: 'Compose reference images into one video (POST videos/create-fusion). Refer to them in the prompt as `@label`.',
      type: 'object',
      additionalProperties: false,
      required: ['images'],
      properties: {
        images: {
          description: 'Up to 3 images by label, in order (`frame_1_path`…`frame_3_path`); `@label` in the prompt becomes `@pic1`…`@pic3`. A job gives its last frame.',
          type: 'object',
          minProperties: 1,
          maxProperties: 3,
          propertyNames: { $ref: '#/$defs/identifier' },
          additionalProperties: { $ref: '#/$defs/frameRef' },
          examples: [{ subject: 'hero', background: 'cup' }],
        },
      },
      examples: [{ images: { subject: 'hero', background: 'cup' } }],
    },
  },
  build,
  sim: { build: simulate },
  plan: { length: 'duration', seconds: 'own', quality: 'own' },
  relation: 'fuses',
});

function build(b: RequestBuilder): void {
  const images = b.field<{ images: Record<string, FrameRefSpec> }>('fusion')!.images;
  const path = [...b.pathOf('fusion'), 'images'];
  const labels = Object.keys(images);
  labels.forEach((label, i) => {
    const input = b.refs.image(images[label]!, [...path, label], 'last');
    if (input) b.inputs[`frame_${i + 1}_path`] = input;
  });
  let prompt = b.field<string>('prompt');
  if (prompt === undefined) b.error('missing-prompt', `fusion job "${b.inst.id}" needs a prompt that places its images (@${labels[0]} …)`, b.inst.location);
  else prompt = rewriteLabels(b, prompt, labels);
  b.putSettings('model');
  b.put('prompt', prompt);
  b.putSettings('quality', 'duration', 'aspect', 'seed');
  b.checkLength(prompt, b.pathOf('prompt'), promptMaxCharsFor(b.ctx.catalog, b.endpoint));
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration') });
}

/** `@label` → `@pic1`…`@pic3` by the order of the images; `@picN` may also be written directly. */
function rewriteLabels(b: RequestBuilder, prompt: string, labels: string[]): string {
  return prompt.replace(/@([A-Za-z_][A-Za-z0-9_-]*)/g, (match, label: string) => {
    const index = labels.indexOf(label);
    if (index >= 0) return `@pic${index + 1}`;
    if (/^pic[1-3]$/.test(label) && Number(label.slice(3)) <= labels.length) return match;
    const guess = closest(label, labels);
    b.error('unknown-label', `"@${label}" is not one of the fusion images (${labels.map((l) => `@${l}`).join(', ')})`, b.ctx.source.within(b.pathOf('prompt'), match), {
      ...(guess ? { hint: `did you mean "@${guess}"?` } : {}),
    });
    return match;
  });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const frames = [1, 2, 3].filter((i) => uploadPath(f, lookup, `frame_${i}_path`, 'image', i === 1) !== undefined);
  const prompt = readPrompt(f, cat, 'prompt', true)!;
  for (const ref of prompt.matchAll(/@pic(\d+)/g))
    if (!frames.includes(Number(ref[1]))) throw new FieldError(`prompt refers to @pic${ref[1]} but frame_${ref[1]}_path is not given`);
  const m = model(f, cat, 'videos/create-fusion');
  const s = settings(f, cat, m);
  return {
    spec: { endpoint: 'videos/create-fusion', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
}
