/**
 * Reading the lists off the wire. Shapes vary by revision (reference §6): effects `{items}`, voices
 * `{tts_list}` (or `{data}`), restyles `{items}`; names are `display_name` (older lists: `name`). An entry
 * without an id or a name is skipped; missing numbers take the safe side (cost unknown ⇒ not free: see
 * `UNKNOWN_COST`).
 */
import type { PixverseApi } from '../api/api.js';
import type { EffectTemplate, RestyleTemplate, TemplateLists, VoiceTemplate } from './types.js';

/** Credits assumed for a template whose list entry gives no cost (UNCONFIRMED: priced high on purpose). */
export const UNKNOWN_COST = 100;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function itemsOf(body: unknown, keys: string[]): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isObj(body)) return [];
  for (const k of keys) if (Array.isArray(body[k])) return body[k] as unknown[];
  return [];
}

export function effectsFrom(body: unknown): EffectTemplate[] {
  return itemsOf(body, ['items', 'data']).flatMap((raw): EffectTemplate[] => {
    if (!isObj(raw)) return [];
    const id = int(raw.template_id);
    const name = str(raw.display_name) ?? str(raw.name);
    if (id === undefined || name === undefined) return [];
    const base = int(raw.video_base_cost);
    const fixed = int(raw.fixed_cost);
    const qualities = Array.isArray(raw.qualities) ? raw.qualities.filter((q): q is string => typeof q === 'string') : [];
    return [{
      template_id: id,
      display_name: name,
      workflow_tag: str(raw.workflow_tag) ?? '',
      display_prompt: str(raw.display_prompt) ?? '',
      effect_type: str(raw.effect_type) ?? '1',
      template_type: int(raw.template_type) ?? 1,
      duration: int(raw.duration) ?? 5,
      qualities,
      video_base_cost: base ?? (fixed === undefined ? UNKNOWN_COST : 0),
      fixed_cost: fixed ?? 0,
      example_text: str(raw.example_text) ?? '',
      thumbnail_path: str(raw.thumbnail_path) ?? '',
      thumbnail_video_path: str(raw.thumbnail_video_path) ?? '',
      ...(str(raw.model) ? { model: str(raw.model)! } : {}),
    }];
  });
}

export function voicesFrom(body: unknown): VoiceTemplate[] {
  return itemsOf(body, ['tts_list', 'data', 'items']).flatMap((raw): VoiceTemplate[] => {
    if (!isObj(raw)) return [];
    const id = str(raw.speaker_id);
    const name = str(raw.display_name) ?? str(raw.name);
    if (id === undefined || name === undefined) return [];
    return [{ speaker_id: id, display_name: name, ...(str(raw.url) ? { url: str(raw.url)! } : {}) }];
  });
}

export function restylesFrom(body: unknown): RestyleTemplate[] {
  return itemsOf(body, ['items', 'data']).flatMap((raw): RestyleTemplate[] => {
    if (!isObj(raw)) return [];
    const id = int(raw.restyle_id);
    const name = str(raw.display_name) ?? str(raw.name);
    if (id === undefined || name === undefined) return [];
    const thumb = str(raw.thumbnail_path) ?? str(raw.thumbnail_url);
    return [{ restyle_id: id, display_name: name, ...(str(raw.prompt) ? { prompt: str(raw.prompt)! } : {}), ...(thumb ? { thumbnail_path: thumb } : {}) }];
  });
}

/**
 * The three lists from an API. Effects and voices are required; restyles may be gone (restyle itself
 * may no longer work, reference §4.8): a failed restyles read gives an empty list.
 */
export async function fetchTemplateLists(api: PixverseApi, email: string | undefined, now: Date): Promise<TemplateLists> {
  const [effects, voices, restyles] = await Promise.all([
    api.getEffects(email ? { email } : {}),
    api.getVoices(email),
    api.getRestyles(email).catch(() => ({ items: [] })),
  ]);
  return { effects: effectsFrom(effects), voices: voicesFrom(voices), restyles: restylesFrom(restyles), source: 'api', fetchedAt: now.toISOString() };
}
