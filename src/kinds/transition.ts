/** A transition through 2 to 7 images (POST videos/create-transition). */
import type { RequestBuilder } from '../manifest/request.js';
import type { FrameRefSpec } from '../manifest/types.js';
import { checkPrompts, plural, speech } from './shared.js';
import { defineKind } from './types.js';

export const transition = defineKind({
  kind: 'transition',
  key: 'transition',
  endpoint: 'videos/create-transition',
  fields: ['transition', 'prompt', 'prompts', 'durations', 'model', 'quality', 'duration', 'seed', 'sound', 'autoSound', 'speech'],
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
  b.putSettings('sound', 'autoSound');
  speech(b);
  b.putSettings('seed');
  checkPrompts(b);
  prompts?.forEach((p, i) => b.checkLength(p, [...b.pathOf('prompts'), i], b.ctx.catalog.promptMaxChars));
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), segments: seconds });
}
