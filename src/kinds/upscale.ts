/** Upscales a rendered job to 4K (POST videos/upscale). */
import type { RequestBuilder } from '../manifest/request.js';
import { upscaleSize } from '../sim/geometry.js';
import { completedVideo } from '../sim/sources.js';
import { FieldError, readSeed, type Fields } from '../sim/validation.js';
import { type GenerationContext, type SimBuilt } from '../sim/wire.js';
import { videoSource } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const upscale = defineKind({
  kind: 'upscale',
  key: 'upscale',
  endpoint: 'videos/upscale',
  fieldTypes: fieldTypes<{ upscale?: string }>(),
  fields: ['upscale'],
  seeded: false,
  schema: {
    upscale: {
      $ref: '#/$defs/ref',
      description: 'Upscale a rendered job to 4K (POST videos/upscale, `video_id`). Only jobs: local videos cannot be upscaled.',
      examples: ['intro'],
    },
  },
  step: {
    description: 'Upscale the previous video to 4K (POST videos/upscale). Takes no settings.',
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {},
    examples: [{}],
  },
  build,
  sim: { build: simulate },
  plan: { length: 'source', seconds: 'source', quality: { fixed: '4k' } },
  relation: 'upscales',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'upscale', false);
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const src = completedVideo(lookup, f.string('video_id', { required: true })!);
  if (src.output.upscaled) throw new FieldError(`Parameter video_id: video ${src.videoId} is already upscaled`);
  return {
    sourceEmail: src.email,
    spec: { endpoint: 'videos/upscale', sourceDuration: src.output.duration },
    output: { ...src.output, ...upscaleSize(src.output.width, src.output.height), upscaled: true, originalVideoId: src.videoId },
    fields: { prompt: src.fields.prompt, model: src.fields.model, seed: src.fields.seed ?? readSeed(f, cat) },
  };
}
