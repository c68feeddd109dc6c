/**
 * The simulator's template lists: hundreds of effects with today's fields, drawn from a seeded stream so
 * every simulator (embedded or standalone) with the same seed serves the same list, and a manifest
 * validated offline against it matches what the simulator accepts. The catalog's well-known templates
 * (catalog/assumptions.json `effects`, `voices`, `restyles`) come first, with their ids and names.
 */
import type { Catalog } from '../catalog.js';
import { randomInt, rngStream, type Random } from '../sim/rng.js';
import type { EffectTemplate, RestyleTemplate, TemplateLists, VoiceTemplate } from './types.js';

export interface GenerateOptions {
  /** Seed of the list (independent of the simulator's other streams). @default 1 */
  seed?: number;
  /** Effects in the list, well-known ones included. @default 360 */
  effects?: number;
  /** Where thumbnails point (the simulator's origin). @default https://media.pixverse.ai */
  mediaBase?: string;
}

const FIRST = ['Golden', 'Neon', 'Paper', 'Crystal', 'Velvet', 'Midnight', 'Cosmic', 'Retro', 'Frozen', 'Silent', 'Electric', 'Lunar', 'Solar', 'Misty', 'Candy', 'Shadow', 'Pixel', 'Ocean', 'Desert', 'Thunder', 'Cherry', 'Iron', 'Silk', 'Ember', 'Jade', 'Rainbow', 'Dream', 'Wild', 'Tiny', 'Giant'];
const SECOND = ['Lantern Drift', 'Bloom', 'Portal', 'Dance', 'Spin', 'Melt', 'Explosion', 'Wings', 'Rain', 'Morph', 'Glow', 'Orbit', 'Cascade', 'Flip', 'Swirl', 'Parade', 'Echo', 'Shatter', 'Rise', 'Wave', 'Hug', 'Kiss', 'Zoom', 'Float', 'Fire', 'Squish', 'Inflate', 'Sparkle', 'Reunion', 'Selfie'];
const QUALITY_SETS = [['360p', '540p', '720p'], ['540p', '720p', '1080p'], ['360p', '540p'], ['360p', '540p', '720p', '1080p'], ['720p', '1080p']];
const DURATIONS = [5, 5, 5, 8, 4, 6, 10];
const BASE_COSTS = [20, 30, 30, 45, 60];
const FIXED_COSTS = [0, 5, 10, 10, 15];
/** Image count ("1"…"5") weighted like a real list: most templates animate one photo. */
const EFFECT_TYPES = ['1', '1', '1', '1', '1', '1', '2', '2', '3', '4', '5'];
const VOICE_NAMES = ['Auto', 'Emma', 'Emily', 'James', 'Oliver', 'Sophia', 'Lucas', 'Ava', 'Noah', 'Mia', 'Leo', 'Chloe', 'Ethan', 'Zoe', 'Liam'];
const RESTYLE_NAMES = ['Ghibli', 'Pixar', 'Lego', 'Van Gogh', 'Ukiyo-e', 'Pencil Sketch', 'Oil Painting', 'Vaporwave', 'Noir', 'Pop Art', 'Origami', 'Stained Glass', 'Low Poly', 'Chalk'];

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

export function generateTemplateLists(catalog: Pick<Catalog, 'effects' | 'voices' | 'restyles'>, options: GenerateOptions = {}): TemplateLists {
  const random = rngStream(options.seed ?? 1, 'templates');
  const media = (options.mediaBase ?? 'https://media.pixverse.ai').replace(/\/+$/, '');
  const ids = new Set<number>();
  const names = new Set<string>();
  const effects: EffectTemplate[] = [];
  const add = (id: number, name: string, fields: Partial<EffectTemplate>) => {
    ids.add(id);
    names.add(name.toLowerCase());
    const tag = slug(name);
    const type = fields.effect_type ?? pick(random, EFFECT_TYPES);
    const images = Number(type);
    effects.push({
      template_id: id,
      display_name: name,
      workflow_tag: `${tag}_it2v_v6_${randomInt(random, 250101, 261130)}`,
      display_prompt: `${name} for ${images === 1 ? 'your photo' : `${images} photos`}`,
      effect_type: type,
      // One in forty makes an image, not a video (answered with image_id).
      template_type: fields.template_type ?? (random() < 0.025 ? 2 : 1),
      duration: fields.duration ?? pick(random, DURATIONS),
      qualities: fields.qualities ?? pick(random, QUALITY_SETS),
      video_base_cost: pick(random, BASE_COSTS),
      fixed_cost: pick(random, FIXED_COSTS),
      example_text: images === 1 ? 'Upload one photo of a person' : `Upload ${images} photos, one person each`,
      thumbnail_path: `${media}/asset%2Ftemplate%2F${tag}.png`,
      thumbnail_video_path: `${media}/asset%2Ftemplate%2F${tag}.mp4`,
    });
  };
  for (const e of catalog.effects) add(e.template_id, e.display_name, { effect_type: e.effect_type, qualities: e.qualities, template_type: 1, duration: 5 });
  const wanted = options.effects ?? 360;
  let next = 380_000_000_000_000;
  for (let guard = 0; effects.length < wanted && guard < wanted * 50; guard++) {
    const name = `${pick(random, FIRST)} ${pick(random, SECOND)}`;
    const unique = names.has(name.toLowerCase()) ? `${name} ${randomInt(random, 2, 9)}` : name;
    if (names.has(unique.toLowerCase())) continue;
    next += randomInt(random, 1, 4_000_000_000) * 16;
    if (!ids.has(next)) add(next, unique, {});
  }
  const voices: VoiceTemplate[] = catalog.voices.map((v) => ({ speaker_id: v.speaker_id, display_name: v.name, url: `${media}/asset%2Fvoice%2F${slug(v.name)}.mp3` }));
  for (const [i, name] of VOICE_NAMES.entries()) {
    if (voices.some((v) => v.display_name.toLowerCase() === name.toLowerCase())) continue;
    voices.push({ speaker_id: String(i), display_name: name, url: `${media}/asset%2Fvoice%2F${slug(name)}.mp3` });
  }
  const restyles: RestyleTemplate[] = catalog.restyles.map((r) => ({ restyle_id: r.restyle_id, display_name: r.name, ...(r.prompt ? { prompt: r.prompt } : {}), thumbnail_path: `${media}/asset%2Frestyle%2F${slug(r.name)}.png` }));
  let restyleId = 322_876_019_426_368; // the Ghibli id of the reference (§6), then onwards
  for (const name of RESTYLE_NAMES) {
    restyles.push({ restyle_id: restyleId, display_name: name, prompt: `${name} style`, thumbnail_path: `${media}/asset%2Frestyle%2F${slug(name)}.png` });
    restyleId += randomInt(random, 1, 1_000_000) * 64;
  }
  return { effects, voices, restyles, source: 'sim' };
}
