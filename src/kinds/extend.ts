/** Continues a video (POST videos/extend): a job, a local video, or the step before. */
import type { RequestBuilder } from '../manifest/request.js';
import { checkPrompts, checkStyle, videoSource } from './shared.js';
import { defineKind } from './types.js';

export const extend = defineKind({
  kind: 'extend',
  key: 'extend',
  endpoint: 'videos/extend',
  fields: ['extend', 'prompt', 'negativePrompt', 'model', 'quality', 'duration', 'motion', 'seed', 'style'],
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
  plan: { length: 'duration', seconds: 'source+own', quality: 'own' },
  media: { video_path: 'video' },
  relation: 'extends',
});

function build(b: RequestBuilder): void {
  videoSource(b, 'extend', true);
  b.putSettings('model');
  b.put('prompt', b.field<string>('prompt'));
  b.putSettings('negativePrompt', 'quality', 'duration', 'motion', 'style', 'seed');
  checkStyle(b);
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration'), motion: b.value('motion') });
}
