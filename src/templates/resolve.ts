/**
 * Finding a template a manifest names: by display name (case-insensitive) or by id, with a did-you-mean
 * from the list when neither matches.
 */
import { closest } from '../catalog.js';
import type { EffectTemplate, RestyleTemplate, TemplateLists, VoiceTemplate } from './types.js';

export type Found<T> = { ok: true; value: T } | { ok: false; suggestion?: string; known: number };

function find<T>(items: readonly T[], name: string, display: (t: T) => string, id: (t: T) => string): Found<T> {
  const lower = name.trim().toLowerCase();
  const value = items.find((t) => display(t).toLowerCase() === lower) ?? items.find((t) => id(t) === name.trim());
  if (value) return { ok: true, value };
  const suggestion = closest(name, items.map(display));
  return { ok: false, known: items.length, ...(suggestion !== undefined ? { suggestion } : {}) };
}

export const findEffect = (lists: TemplateLists, name: string): Found<EffectTemplate> =>
  find(lists.effects, name, (t) => t.display_name, (t) => String(t.template_id));

export const findVoice = (lists: TemplateLists, name: string): Found<VoiceTemplate> =>
  find(lists.voices, name, (t) => t.display_name, (t) => t.speaker_id);

export const findRestyle = (lists: TemplateLists, name: string): Found<RestyleTemplate> =>
  find(lists.restyles, name, (t) => t.display_name, (t) => String(t.restyle_id));

/** The hint of a name not found: did-you-mean, else where to look. */
export function notFoundHint(found: Extract<Found<unknown>, { ok: false }>, what: string): string {
  if (found.suggestion !== undefined) return `did you mean "${found.suggestion}"?`;
  return found.known === 0 ? `the ${what} list is empty` : `run \`pixrender models --refresh\` to list ${what}`;
}
