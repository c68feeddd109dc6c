/** A transition through 2 to 7 images (POST videos/create-transition). */
import { promptMaxCharsFor } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { uploadPath } from '../sim/sources.js';
import { FieldError, readPrompt, readSeed, type Fields } from '../sim/validation.js';
import { model, settings, voice, output, type GenerationContext, type SimBuilt, echo, motionOf } from '../sim/wire.js';
import { checkPrompts, plural, speech } from './shared.js';
import { defineKind, fieldTypes } from './types.js';

export const transition = defineKind({
  kind: 'transition',
  key: 'transition',
  endpoint: 'videos/create-transition',
  fieldTypes: fieldTypes<{ transition?: FrameRefSpec[]; durations?: number[]; prompts?: string[] }>(),
  fields: ['transition', 'prompt', 'prompts', 'durations', 'model', 'quality', 'duration', 'seed', 'sound', 'autoSound', 'audio', 'previewMode', 'speech'],
  seeded: true,
  schema: {
    transition: {
      description: 'A transition through 2 to 7 images (POST videos/create-transition, `frame_1_path`…`frame_7_path`). A job as the first item gives its last frame, a job elsewhere its first frame.',
      type: 'array',
      minItems: 2,
      maxItems: 7,
      items: { $ref: '#/$defs/frameRef' },
      examples: [['intro', 'pour']],
    },
    durations: {
      description: 'Transition jobs: seconds of each segment (`duration_1_to_2`…), one per pair of items. Default: `duration` for every segment.',
      type: 'array',
      minItems: 1,
      maxItems: 6,
      items: { $ref: '#/$defs/duration' },
      examples: [[5, 8]],
    },
    prompts: {
      description: 'Transition jobs: a prompt per segment (`prompt_1_to_2`…). Default: `prompt` for every segment.',
      type: 'array',
      minItems: 1,
      maxItems: 6,
      items: { $ref: '#/$defs/prompt' },
      examples: [['The cup fills', 'Steam rises']],
    },
  },
  build,
  sim: { build: simulate },
  plan: { length: 'segments', seconds: 'own', quality: 'own' },
  relation: 'transitions through',
});

function build(b: RequestBuilder): void {
  const items = b.field<FrameRefSpec[]>('transition')!;
  const path = b.pathOf('transition');
  items.forEach((item, i) => {
    const input = b.refs.image(item, [...path, i], i === 0 ? 'last' : 'first');
    if (input) b.inputs[`frame_${i + 1}_path`] = input;
  });
  const segments = items.length - 1;
  const durations = b.field<number[]>('durations');
  const prompts = b.field<string[]>('prompts');
  for (const [name, list] of [['durations', durations], ['prompts', prompts]] as const) {
    if (list && list.length !== segments)
      b.error('segment-count', `${name} has ${plural(list.length, 'entry', 'entries')}, but ${items.length} transition items make ${plural(segments, 'segment')}`, b.at(b.pathOf(name)), {
        hint: `give one ${name === 'durations' ? 'duration' : 'prompt'} per segment (item 1→2, 2→3, …), or leave ${name} out`,
      });
  }
  b.putSettings('model', 'quality');
  const prompt = b.field<string>('prompt');
  const seconds: number[] = [];
  for (let i = 1; i <= segments; i++) {
    const duration = durations?.[i - 1] ?? b.value('duration') ?? 5;
    seconds.push(duration);
    b.put(`duration_${i}_to_${i + 1}`, duration);
    b.put(`prompt_${i}_to_${i + 1}`, prompts?.[i - 1] ?? prompt);
  }
  b.putSettings('sound', 'autoSound', 'audio', 'previewMode');
  speech(b);
  b.putSettings('seed');
  checkPrompts(b);
  prompts?.forEach((p, i) => b.checkLength(p, [...b.pathOf('prompts'), i], promptMaxCharsFor(b.ctx.catalog, b.endpoint)));
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), segments: seconds });
}

/** The simulator: reads and checks the wire body, and says what it renders. */
function simulate(f: Fields, { catalog: cat, templates, ...lookup }: GenerationContext): SimBuilt {
  let count = 0;
  for (let i = 1; i <= 7; i++) {
    const path = uploadPath(f, lookup, `frame_${i}_path`, 'image', i <= 2);
    if (path !== undefined) {
      if (count !== i - 1) throw new FieldError(`frame_${i}_path is given but frame_${i - 1}_path is not: frames must be consecutive`);
      count = i;
    }
  }
  const segments: number[] = [];
  for (let i = 1; i < count; i++) {
    segments.push(f.integer(`duration_${i}_to_${i + 1}`, { min: 1 }) ?? 5);
    readPrompt(f, cat, `prompt_${i}_to_${i + 1}`, false);
  }
  const m = model(f, cat, 'videos/create-transition', count);
  const s = settings(f, cat, m);
  readPrompt(f, cat, 'sound_effect_prompt', false);
  readPrompt(f, cat, 'lip_sync_tts_prompt', false);
  voice(f, templates, 'lip_sync_tts_speaker_id');
  const total = segments.reduce((a, b) => a + b, 0);
  return {
    spec: { endpoint: 'videos/create-transition', model: m, quality: s.quality, ...motionOf(s), segments, ...s.flags },
    output: output(s.quality, s.aspectRatio, total),
    fields: { prompt: f.raw.prompt_1_to_2, model: m, ...echo(s), seed: readSeed(f, cat) },
  };
}
