/** A manifest's templates against a list: images per effect_type, ids, qualities, recorded templates. */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { generateTemplateLists } from '../../src/templates/generate.js';
import type { TemplateLists } from '../../src/templates/types.js';
import { codes, errors, job, load, loadValid } from '../manifest/helpers.js';

const files = { '/proj/a.png': 'png', '/proj/b.png': 'png', '/proj/c.png': 'png', '/proj/d.png': 'png' };
const assets = 'assets: { a: ./a.png, b: ./b.png, c: ./c.png, d: ./d.png }\n';
const lists = generateTemplateLists(loadCatalog());
const effect = (type: string) => lists.effects.find((e) => e.effect_type === type && e.template_type === 1)!;

describe('effects from the list', () => {
  it('an N-image effect takes 2 to N images under images → frame_N_path; two go out as first/last frame', async () => {
    const four = effect('4');
    const m = await loadValid(`version: 1\n${assets}jobs:\n  x: { effect: "${four.display_name}", images: [a, b, c] }\n  y: { effect: "${four.display_name}", images: [a, b] }\n`, files);
    expect(Object.keys(job(m, 'x').inputs)).toEqual(['frame_1_path', 'frame_2_path', 'frame_3_path']);
    expect(Object.keys(job(m, 'y').inputs)).toEqual(['first_frame_path', 'last_frame_path']);
    expect(job(m, 'x').templates?.effect).toEqual({ id: String(four.template_id), name: four.display_name, credits: four.video_base_cost + four.fixed_cost, duration: four.duration, images: 4, qualities: four.qualities });
    expect(job(m, 'x').params).not.toHaveProperty('duration');
  });

  it('too many or too few images, both forms at once, images without an effect: effect-images', async () => {
    const three = effect('3');
    const one = effect('1');
    const r = await load(
      `version: 1\n${assets}jobs:\n  x: { effect: "${three.display_name}", images: [a, b, c, d] }\n  y: { effect: "${three.display_name}", image: a }\n  z: { effect: "${one.display_name}", image: a, images: [a] }\n  w: { prompt: p, images: [a, b] }\n`,
      files,
    );
    expect(codes(r).filter((c) => c === 'effect-images')).toHaveLength(4);
  });

  it('an id names the template; the quality defaults to the first it offers; an image template is refused', async () => {
    const picky = lists.effects.find((e) => e.effect_type === '1' && e.template_type === 1 && !e.qualities.includes('540p'))!;
    const m = await loadValid(`version: 1\n${assets}jobs:\n  x: { effect: "${picky.template_id}", image: a }\n`, files);
    expect(job(m, 'x').params).toMatchObject({ template_id: picky.template_id, quality: picky.qualities[0] });
    const image = lists.effects.find((e) => e.template_type === 2)!;
    const images = ['a', 'b', 'c', 'd', 'a'].slice(0, Math.max(1, Number(image.effect_type))).join(', ');
    expect(errors(await load(`version: 1\n${assets}jobs:\n  x: { effect: "${image.display_name}", images: [${images}] }\n`, files))).toEqual(['effect-image-template']);
  });

  it('voices and restyle presets resolve by name (any case) and are recorded with id and name; a typo gets did-you-mean', async () => {
    const custom: TemplateLists = { ...lists, voices: [{ speaker_id: '7', display_name: 'Nova' }], restyles: [{ restyle_id: 99, display_name: 'Ink Wash', prompt: 'ink wash painting' }] };
    const m = await loadValid(`version: 1\n${assets}jobs:\n  s: { prompt: p, speech: { text: hi, voice: nova } }\n  r: { restyle: ./clip.mp4, style: ink wash }\n`, { ...files, '/proj/clip.mp4': 'mp4' }, { templates: custom });
    expect(job(m, 's').params.lip_sync_tts_speaker_id).toBe('7');
    expect(job(m, 's').templates).toEqual({ voice: { id: '7', name: 'Nova' } });
    expect(job(m, 'r').params).toMatchObject({ restyle_id: 99, prompt: 'ink wash painting' });
    expect(job(m, 'r').templates).toEqual({ restyle: { id: '99', name: 'Ink Wash' } });
    const typo = await load(`version: 1\njobs:\n  s: { prompt: p, speech: { text: hi, voice: Nvoa } }\n`, {}, { templates: custom });
    expect(typo.diagnostics.find((d) => d.code === 'unknown-voice')?.hint).toBe('did you mean "Nova"?');
  });
});
