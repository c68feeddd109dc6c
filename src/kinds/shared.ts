/** Request-building steps several kinds share: the source video, speech, style and prompt checks. */
import { closest, promptMaxCharsFor } from '../catalog.js';
import type { RequestBuilder } from '../manifest/request.js';
import type { SpeechSpec } from '../manifest/types.js';

/** The video a job works on: the previous step for then-steps, else the job's source field. */
export function videoSource(b: RequestBuilder, field: string, allowFile: boolean): void {
  const step = b.inst.step;
  if (step) {
    b.refs.direct(step.previous, b.inst.step!.path);
    b.inputs.video_id = { type: 'job-video', job: step.previous };
    return;
  }
  const video = b.refs.video(b.field<string>(field)!, b.pathOf(field), allowFile);
  if (video) b.inputs[video.field] = video.input;
}

export function speech(b: RequestBuilder): void {
  const spec = b.field<SpeechSpec>('speech');
  if (!spec) return;
  b.put('lip_sync_tts_prompt', spec.text);
  b.put('lip_sync_tts_speaker_id', b.voice(spec.voice, [...b.pathOf('speech'), 'voice'])?.speaker_id);
  b.checkLength(spec.text, [...b.pathOf('speech'), 'text'], b.ctx.catalog.promptMaxChars, 'prompt-too-long', 'speech text');
}

export function checkStyle(b: RequestBuilder): void {
  const style = b.value('style');
  const styles = b.ctx.catalog.styles;
  // Not sent (the model no longer takes style): the field-gone warning says so.
  if (style === undefined || b.params.style === undefined || styles.includes(style)) return;
  const guess = closest(style, styles);
  b.error('unknown-style', `unknown style "${style}" for ${b.endpoint}`, b.settingLocation('style'), {
    hint: guess ? `did you mean "${guess}"?` : `styles: ${styles.join(', ')}`,
  });
}

export function checkPrompts(b: RequestBuilder): void {
  const limit = promptMaxCharsFor(b.ctx.catalog, b.endpoint);
  b.checkLength(b.params.prompt as string | undefined, b.pathOf('prompt'), limit);
  b.checkLength(b.params.negative_prompt as string | undefined, b.settingPath('negativePrompt'), b.ctx.catalog.promptMaxChars, 'prompt-too-long', 'negativePrompt');
  b.checkLength(b.params.sound_effect_prompt as string | undefined, b.settingPath('sound'), b.ctx.catalog.promptMaxChars, 'prompt-too-long', 'sound');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A setting an endpoint offers from its own short list rather than the catalog's (modify: v5.5 only):
 * the job's own value, checked against the list; else the endpoint's default. A value cascaded from
 * manifest or config defaults that the list lacks is meant for other kinds and is not sent here.
 */
export function ownChoice(b: RequestBuilder, name: 'model' | 'quality', allowed: readonly string[], fallback: string): string {
  const setting = b.settings[name];
  const value = setting?.value as string | undefined;
  if (value === undefined || setting?.origin.from === 'tool') return fallback;
  if (allowed.includes(value)) return value;
  if (b.inst.own[name] === undefined) return fallback;
  b.error('invalid-combination', `job "${b.inst.id}": ${b.endpoint} takes ${name} ${allowed.join(', ')} only (got ${value})`, b.at(b.pathOf(name)), {
    hint: `leave ${name} out for ${fallback}`,
  });
  return fallback;
}
