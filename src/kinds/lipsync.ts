/** Lip-syncs a video to text-to-speech or an audio file (POST videos/lipsync). */
import { defaultModelFor } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { YamlPath } from '../manifest/source.js';
import type { LipsyncJobSpec, LipsyncSpeechSpec } from '../manifest/types.js';
import { sourceVideo, uploadPath } from '../sim/sources.js';
import { FieldError, readPrompt, type Fields } from '../sim/validation.js';
import { voice, output, sourceOf, type GenerationContext, type SimBuilt } from '../sim/wire.js';
import { videoSource } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const lipsync = defineKind({
  kind: 'lipsync',
  key: 'lipsync',
  endpoint: 'videos/lipsync',
  fieldTypes: fieldTypes<{ lipsync?: LipsyncJobSpec }>(),
  fields: ['lipsync'],
  seeded: false,
  schema: { lipsync: { $ref: '#/$defs/lipsyncJob' } },
  defs: {
    lipsyncSpeech: {
      description: 'The speech of a lip-sync: `text` (+ `voice`) for text-to-speech, or `audio`.',
      type: 'object',
      additionalProperties: false,
      properties: {
        text: {
          description: 'Text to speak (`prompt`), at most 200 characters after `${var}` expansion.',
          type: 'string',
          minLength: 1,
          maxLength: 200,
          examples: ['Meet your new morning ritual'],
        },
        voice: { $ref: '#/$defs/voice' },
        audio: {
          description: 'Audio asset name or file path (wav, mp3; at most 60 s) → `audio_path`. Instead of `text`.',
          type: 'string',
          minLength: 1,
          examples: ['jingle'],
        },
        keepOriginalSound: {
          description: 'Keep the video\'s own soundtrack under the speech (`original_sound_switch`).',
          type: 'boolean',
          examples: [false],
        },
        offPeak: { $ref: '#/$defs/offPeak' },
      },
      examples: [{ text: 'Meet your new morning ritual', voice: 'Emma' }],
    },
    lipsyncJob: {
      description: 'Lip-sync a video (POST videos/lipsync) to text-to-speech or an audio file.',
      type: 'object',
      additionalProperties: false,
      required: ['video'],
      properties: {
        video: { $ref: '#/$defs/ref' },
        text: { $ref: '#/$defs/lipsyncSpeech/properties/text' },
        voice: { $ref: '#/$defs/voice' },
        audio: { $ref: '#/$defs/lipsyncSpeech/properties/audio' },
        keepOriginalSound: { $ref: '#/$defs/lipsyncSpeech/properties/keepOriginalSound' },
      },
      examples: [{ video: 'intro', text: 'Meet your new morning ritual', voice: 'Emma' }],
    },
  },
  step: { $ref: '#/$defs/lipsyncSpeech' },
  build,
  sim: { build: simulate },
  plan: { length: 'source', seconds: 'source', quality: 'source' },
  media: { video_path: 'video', audio_path: 'audio' },
  relation: 'lipsyncs',
});

function build(b: RequestBuilder): void {
  const isStep = b.inst.step !== undefined;
  const base: YamlPath = isStep ? b.inst.step!.path : b.pathOf('lipsync');
  const spec = (isStep ? b.inst.fields : b.field<LipsyncSpeechSpec>('lipsync')) as LipsyncSpeechSpec;
  if (isStep) videoSource(b, 'lipsync', true);
  else {
    const video = b.refs.video((spec as { video: string }).video, [...base, 'video'], true);
    if (video) b.inputs[video.field] = video.input;
  }
  const where = isStep ? b.inst.location : b.ctx.source.key(base);
  if (spec.text !== undefined && spec.audio !== undefined)
    b.error('lipsync-speech', 'give lipsync either text (spoken by a voice) or audio, not both', where);
  else if (spec.text === undefined && spec.audio === undefined)
    b.error('lipsync-speech', 'lipsync needs text (spoken by a voice) or audio', where);
  else if (spec.audio !== undefined && spec.voice !== undefined)
    b.error('lipsync-speech', 'voice applies to text only; an audio file brings its own voice', b.at([...base, 'voice']));
  if (spec.audio !== undefined) {
    const audio = b.refs.audio(spec.audio, [...base, 'audio']);
    if (audio) b.inputs.audio_path = audio;
  }
  b.put('prompt', spec.text);
  b.put('speaker_id', b.voice(spec.voice, [...base, 'voice'])?.speaker_id);
  b.put('original_sound_switch', spec.keepOriginalSound);
  b.checkLength(spec.text, [...base, 'text'], 200, 'lipsync-text-too-long', 'lipsync text');
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  const src = sourceVideo(f, lookup);
  const audio = uploadPath(f, lookup, 'audio_path', 'audio');
  const prompt = readPrompt(f, cat, 'prompt', false, 200);
  if (audio === undefined && prompt === undefined) throw new FieldError('Parameter audio_path or prompt is required');
  voice(f, templates, 'speaker_id');
  f.boolean('original_sound_switch');
  return {
    ...sourceOf(src),
    spec: { endpoint: 'videos/lipsync', sourceDuration: src.duration },
    output: output(src.quality, src.aspectRatio, src.duration, { width: src.width, height: src.height }),
    fields: { prompt, audio_path: audio, model: defaultModelFor(cat, 'videos/lipsync') },
  };
}
