/**
 * Templates as the API lists them (2026 reference §6): effects (GET videos/effects), lip-sync voices
 * (GET videos/voices) and restyle presets (GET videos/restyles). Ids are opaque and change: a manifest
 * names a template by its display name or id, and these lists say what that means today.
 */

/** One effect template, with today's fields (wire names). */
export interface EffectTemplate {
  template_id: number;
  display_name: string;
  workflow_tag: string;
  display_prompt: string;
  /** "1"…"5": the number of images the template animates. */
  effect_type: string;
  /** 1 renders a video, 2 an image (answered with `image_id`). */
  template_type: number;
  /** Seconds of the video the template makes (the request's duration is ignored). */
  duration: number;
  qualities: string[];
  video_base_cost: number;
  fixed_cost: number;
  example_text: string;
  thumbnail_path: string;
  thumbnail_video_path: string;
  /** The template's model, when the list names it. */
  model?: string;
}

export interface VoiceTemplate {
  /** A string of a small integer. */
  speaker_id: string;
  display_name: string;
  url?: string;
}

export interface RestyleTemplate {
  restyle_id: number;
  display_name: string;
  prompt?: string;
  thumbnail_path?: string;
}

/** The three lists, and where and when they were read. */
export interface TemplateLists {
  effects: EffectTemplate[];
  voices: VoiceTemplate[];
  restyles: RestyleTemplate[];
  /** 'sim': the embedded simulator's own list; 'api': read from an API (live or through the cache). */
  source: 'sim' | 'api';
  /** ISO time the lists were read from the API (absent for the simulator's list). */
  fetchedAt?: string;
  /** Set when no list could be read (offline, no cache): why, for the diagnostic of a job naming a template. */
  unavailable?: string;
}

/** Credits a template costs (reference §6: `video_base_cost + fixed_cost`). */
export function templateCredits(t: Pick<EffectTemplate, 'video_base_cost' | 'fixed_cost'>): number {
  return t.video_base_cost + t.fixed_cost;
}

/** The number of images a template animates (effect_type "1"…"5"; anything unreadable counts as 1). */
export function imageCount(t: Pick<EffectTemplate, 'effect_type'>): number {
  const n = Number.parseInt(t.effect_type, 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}
