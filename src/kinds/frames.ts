/** A video between a first and a last frame (POST videos/create-frames). */
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { checkPrompts, speech } from './shared.js';
import { defineKind } from './types.js';

export const frames = defineKind({
  kind: 'frames',
  key: 'frames',
  endpoint: 'videos/create-frames',
  fields: ['frames', 'prompt', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'sound', 'autoSound', 'speech'],
  seeded: true,
  schema: {
    frames: {
      description: 'Render between a first and a last frame (POST videos/create-frames). A job as `first` gives its last frame; a job as `last` gives its first frame.',
      type: 'object',
      additionalProperties: false,
      required: ['first', 'last'],
      properties: {
        first: {
          $ref: '#/$defs/frameRef',
          description: 'The opening frame (`first_frame_path`).',
          examples: ['hero'],
        },
        last: {
          $ref: '#/$defs/frameRef',
          description: 'The closing frame (`last_frame_path`).',
          examples: ['cup'],
        },
      },
      examples: [{ first: 'hero', last: 'cup' }],
    },
  },
  build,
  plan: { length: 'duration', seconds: 'own', quality: 'own' },
  relation: 'uses a frame of',
});

function build(b: RequestBuilder): void {
  const spec = b.field<{ first: FrameRefSpec; last: FrameRefSpec }>('frames')!;
  const path = b.pathOf('frames');
  const first = b.refs.image(spec.first, [...path, 'first'], 'last');
  const last = b.refs.image(spec.last, [...path, 'last'], 'first');
  if (first) b.inputs.first_frame_path = first;
  if (last) b.inputs.last_frame_path = last;
  b.putSettings('model');
  b.put('prompt', b.field<string>('prompt'));
  b.putSettings('quality', 'duration', 'motion', 'aspect', 'sound', 'autoSound');
  speech(b);
  b.putSettings('seed');
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration'), motion: b.value('motion') });
}
