/** A video between a first and a last frame (POST videos/create-frames). */
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadPath } from '../sim/sources.js';
import { readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, voice, output, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { checkPrompts, speech } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const frames = defineKind({
  kind: 'frames',
  key: 'frames',
  endpoint: 'videos/create-frames',
  fieldTypes: fieldTypes<{ frames?: { first: FrameRefSpec; last: FrameRefSpec } }>(),
  fields: ['frames', 'prompt', 'model', 'quality', 'duration', 'motion', 'aspect', 'seed', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode', 'speech'],
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
  sim: { build: simulate },
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
  b.putSettings('quality', 'duration', 'motion', 'aspect', 'sound', 'autoSound', 'audio', 'multiShot', 'previewMode');
  speech(b);
  b.putSettings('seed');
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration'), motion: b.value('motion') });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const prompt = readPrompt(f, cat, 'prompt', false);
  const m = model(f, cat, 'videos/create-frames');
  const s = settings(f, cat, m);
  uploadPath(f, lookup, 'first_frame_path', 'image', true);
  uploadPath(f, lookup, 'last_frame_path', 'image', true);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, templates, 'lip_sync_tts_speaker_id');
  f.boolean('remove_watermark');
  return {
    spec: { endpoint: 'videos/create-frames', model: m, quality: s.quality, duration: s.duration, ...motionOf(s), ...s.flags },
    output: output(s.quality, s.aspectRatio, s.duration),
    fields: { prompt, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
}
