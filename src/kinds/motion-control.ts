/**
 * Animates a still character with the motion of a reference video (POST videos/motion-control, 2026
 * reference §4.5): the image and a local motion video of 1 to 30 s; model v5.6 only; 360p, 540p or
 * 720p (default). The output is as long as the motion video (UNCONFIRMED).
 */
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadedVideo, uploadPath } from '../sim/sources.js';
import { FieldError, type Fields } from '../sim/validation.js';
import { output, type GenerationContext, type SimBuilt } from '../sim/wire.js';
import { ownChoice } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

const MODELS = ['v5.6'];
const QUALITIES = ['360p', '540p', '720p'];
const MOTION_SECONDS = { min: 1, max: 30 };

export const motionControl = defineKind({
  kind: 'motionControl',
  key: 'motionControl',
  endpoint: 'videos/motion-control',
  fieldTypes: fieldTypes<{ motionControl?: { image: FrameRefSpec; video: string } }>(),
  fields: ['motionControl', 'model', 'quality'],
  seeded: false,
  schema: {
    motionControl: {
      description:
        'Animate a still character with the motion of a reference video (POST videos/motion-control). Model v5.6 only; quality 360p, 540p or 720p (default); the video is as long as the motion video.',
      type: 'object',
      additionalProperties: false,
      required: ['image', 'video'],
      properties: {
        image: {
          $ref: '#/$defs/frameRef',
          description: 'The character (`frame_1_path`), a clear person or animal: an asset, a path, or a job (its last frame).',
          examples: ['hero'],
        },
        video: {
          description: 'The motion (`video_1_path`): a local video asset or path, 1 to 30 s.',
          type: 'string',
          minLength: 1,
          examples: ['dance'],
        },
      },
      examples: [{ image: 'hero', video: 'dance' }],
    },
  },
  build,
  sim: { build: simulate, ownLimits: true },
  plan: { length: 'source', seconds: 'source', quality: 'own' },
  media: { video_1_path: 'video' },
  catalog: {
    pricing: { rule: 'per-second', credits_per_second: 14 },
    offPeak: true,
    longestInput: { video: MOTION_SECONDS.max },
    assumption:
      'UNCONFIRMED: no published price; priced per second of the motion video at the highest native per-second rate (v6 1080p, 14 credits), whatever the quality. An unmeasured motion video counts as 30 s, the longest accepted.',
  },
  relation: 'animates',
});

function build(b: RequestBuilder): void {
  const spec = b.field<{ image: FrameRefSpec; video: string }>('motionControl')!;
  const path = b.pathOf('motionControl');
  const image = b.refs.image(spec.image, [...path, 'image'], 'last');
  if (image) b.inputs.frame_1_path = image;
  const motion = b.refs.localFile(spec.video, [...path, 'video'], 'video');
  if (motion) b.inputs.video_1_path = motion;
  b.put('model', ownChoice(b, 'model', MODELS, MODELS[0]!));
  b.put('quality', ownChoice(b, 'quality', QUALITIES, '720p'));
}

function simulate(f: Fields, lookup: GenerationContext): SimBuilt {
  uploadPath(f, lookup, 'frame_1_path', 'image', true);
  const motion = uploadedVideo(f, lookup, 'video_1_path');
  if (motion.duration < MOTION_SECONDS.min || motion.duration > MOTION_SECONDS.max)
    throw new FieldError(`Parameter video_1_path: the motion video is ${motion.duration} s; it must be ${MOTION_SECONDS.min} to ${MOTION_SECONDS.max} s`);
  const model = f.oneOf('model', MODELS, MODELS[0])!;
  const quality = f.oneOf('quality', QUALITIES, '720p')!;
  return {
    spec: { endpoint: 'videos/motion-control', model, quality, sourceDuration: motion.duration },
    output: output(quality, motion.aspectRatio, motion.duration),
    fields: { model },
  };
}
