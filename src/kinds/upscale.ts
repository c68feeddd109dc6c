/** Upscales a rendered job to 4K (POST videos/upscale). */
import type { RequestBuilder } from '../manifest/request.js';
import { videoSource } from './shared.js';
import { defineKind } from './types.js';

export const upscale = defineKind({
  kind: 'upscale',
  key: 'upscale',
  endpoint: 'videos/upscale',
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
  plan: { length: 'source', seconds: 'source', quality: { fixed: '4k' } },
  relation: 'upscales',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'upscale', false);
}
