/**
 * One request builder per job kind: which settings each endpoint takes (in a fixed order), which
 * inputs it has, and the kind's own checks (effects, styles, voices, labels, segment counts).
 */
import { closest, modelSupports } from '../catalog.js';
import { effectImages, effectQuality, jobEffect, jobRestyle } from '../templates/manifest.js';
import type { JobKind } from '../model.js';
import type { RequestBuilder } from './request.js';
import type { YamlPath } from './source.js';
import type { FrameRefSpec, LipsyncSpeechSpec, SpeechSpec } from './types.js';

export function buildKind(b: RequestBuilder, kind: JobKind): void {
  switch (kind) {
    case 'create':
      return create(b);
    case 'frames':
      return frames(b);
    case 'extend':
      return extend(b);
    case 'restyle':
      return restyle(b);
    case 'fusion':
      return fusion(b);
    case 'transition':
      return transition(b);
    case 'lipsync':
      return lipsync(b);
    case 'upscale':
      return upscale(b);
    default:
      return unreachable(kind);
  }
}

function create(b: RequestBuilder): void {
  const effect = jobEffect(b);
  effectImages(b, effect);
  const image = b.field<FrameRefSpec>('image') ?? b.field<FrameRefSpec[]>('images');
  const quality = effectQuality(b, effect);
  const prompt = b.field<string>('prompt');
  if (prompt === undefined && !effect) b.error('missing-prompt', `job "${b.inst.id}" needs a prompt (or an effect)`, b.inst.location);
  // The template decides the model (API reference §8.10): no model is sent with an effect.
  if (effect && b.inst.own.model !== undefined)
    b.ctx.warn('ignored-field', 'model is not sent with an effect: the template decides the model', b.at(b.pathOf('model')));
  if (!effect) b.putSettings('model');
  b.put('prompt', prompt);
  b.putSettings('negativePrompt');
  b.put('quality', quality);
  // A template fixes the duration (reference §4.1): none is sent with an effect.
  b.putSettings(...(effect ? [] : ['duration' as const]), 'motion');
  if (image === undefined) b.putSettings('aspect'); // image-to-video follows the image
  b.putSettings('style', 'sound', 'autoSound');
  speech(b);
  b.putSettings('seed');
  b.put('template_id', effect?.template_id);
  checkStyle(b);
  checkPrompts(b);
  if (!effect) b.checkRender({ model: b.value('model'), quality, duration: b.value('duration'), motion: b.value('motion') });
}

function frames(b: RequestBuilder): void {
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

function extend(b: RequestBuilder): void {
  videoSource(b, 'extend', true);
  b.putSettings('model');
  b.put('prompt', b.field<string>('prompt'));
  b.putSettings('negativePrompt', 'quality', 'duration', 'motion', 'style', 'seed');
  checkStyle(b);
  checkPrompts(b);
  b.checkRender({ model: b.value('model'), quality: b.value('quality'), duration: b.value('duration'), motion: b.value('motion') });
}

function restyle(b: RequestBuilder): void {
  videoSource(b, 'restyle', true);
  const cat = b.ctx.catalog;
  // Restyle is a v4 feature, and its styles are presets, not the create/extend `style`: both the model
  // and the style come from the job (or step) itself, never from defaults.
  const model = b.inst.own.model ?? Object.keys(cat.models).find((m) => modelSupports(cat, m, 'videos/restyle') === true);
  const styleName = b.inst.own.style;
  const preset = styleName === undefined ? undefined : jobRestyle(b, styleName, b.pathOf('style'));
  const prompt = b.field<string>('prompt') ?? preset?.prompt;
  if (prompt === undefined && styleName === undefined)
    b.error('missing-prompt', `restyle job "${b.inst.id}" needs a style (a preset) or a prompt`, b.inst.location);
  b.put('model', model);
  b.put('prompt', prompt);
  b.put('restyle_id', preset?.restyle_id);
  b.putSeed();
  checkPrompts(b);
  if (model === undefined) b.error('invalid-combination', 'no model in the catalog supports videos/restyle', b.inst.location);
  else b.checkRender({ model });
}

function fusion(b: RequestBuilder): void {
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
  b.checkLength(prompt, b.pathOf('prompt'), b.ctx.catalog.promptMaxChars);
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

function transition(b: RequestBuilder): void {
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

function lipsync(b: RequestBuilder): void {
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

function upscale(b: RequestBuilder): void {
  videoSource(b, 'upscale', false);
}

/** The video a job works on: the previous step for then-steps, else the job's source field. */
function videoSource(b: RequestBuilder, field: string, allowFile: boolean): void {
  const step = b.inst.step;
  if (step) {
    b.refs.direct(step.previous, b.inst.step!.path);
    b.inputs.video_id = { type: 'job-video', job: step.previous };
    return;
  }
  const video = b.refs.video(b.field<string>(field)!, b.pathOf(field), allowFile);
  if (video) b.inputs[video.field] = video.input;
}

function speech(b: RequestBuilder): void {
  const spec = b.field<SpeechSpec>('speech');
  if (!spec) return;
  b.put('lip_sync_tts_prompt', spec.text);
  b.put('lip_sync_tts_speaker_id', b.voice(spec.voice, [...b.pathOf('speech'), 'voice'])?.speaker_id);
  b.checkLength(spec.text, [...b.pathOf('speech'), 'text'], b.ctx.catalog.promptMaxChars, 'prompt-too-long', 'speech text');
}

function checkStyle(b: RequestBuilder): void {
  const style = b.value('style');
  const styles = b.ctx.catalog.styles;
  if (style === undefined || styles.includes(style)) return;
  const guess = closest(style, styles);
  b.error('unknown-style', `unknown style "${style}" for ${b.endpoint}`, b.settingLocation('style'), {
    hint: guess ? `did you mean "${guess}"?` : `styles: ${styles.join(', ')}`,
  });
}

function checkPrompts(b: RequestBuilder): void {
  const limit = b.ctx.catalog.promptMaxChars;
  b.checkLength(b.params.prompt as string | undefined, b.pathOf('prompt'), limit);
  b.checkLength(b.params.negative_prompt as string | undefined, b.settingPath('negativePrompt'), limit, 'prompt-too-long', 'negativePrompt');
  b.checkLength(b.params.sound_effect_prompt as string | undefined, b.settingPath('sound'), limit, 'prompt-too-long', 'sound');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function unreachable(x: never): never {
  throw new Error(`unexpected job kind ${String(x)}`);
}
