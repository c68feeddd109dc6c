/**
 * Acceptance: an effect named in a manifest renders with the id GET videos/effects lists, priced by its
 * list entry; a typo gets did-you-mean from the live list; the lock keeps id and name.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../sim/helpers.js';
import { makeRig, type Rig } from '../render/helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function project(): Promise<Rig> {
  const r = await makeRig();
  await copyFile('examples/assets/hero.png', join(r.dir, 'hero.png'));
  await copyFile('examples/assets/cup.jpg', join(r.dir, 'cup.jpg'));
  return r;
}

describe('templates by name', () => {
  it('renders effects named in any case or by id with the ids the live list gives, at the list price, and locks id and name', async () => {
    rig = await project();
    const effects: any[] = (await get(rig.sim, 'videos/effects')).body.items;
    const three = effects.find((e) => e.effect_type === '3' && e.template_type === 1)!;
    const two = effects.find((e) => e.effect_type === '2' && e.template_type === 1)!;
    await rig.write(
      [
        'version: 1',
        'assets: { hero: ./hero.png, cup: ./cup.jpg }',
        'jobs:',
        `  family: { effect: "${three.display_name.toUpperCase()}", images: [hero, cup, hero] }`,
        `  pair: { effect: "${two.template_id}", image: hero, lastImage: cup }`,
        '',
      ].join('\n'),
    );
    const { outcome } = await rig.render();
    if (outcome.kind !== 'ran') throw new Error(`not run: ${JSON.stringify(outcome).slice(0, 500)}`);
    expect(outcome.summary.failed).toBe(0);
    const sent = rig.sim.stats().jobs;
    expect(sent).toHaveLength(2);
    const byRef = (job: string) => sent.find((s) => s.replyRef?.startsWith(`pixrender:${job}@`))!;
    // Plan price = simulator charge = the list's video_base_cost + fixed_cost.
    const priced = (job: string) => outcome.plan.jobs.find((j) => j.id === job)!.cost;
    expect(priced('family')).toBe(three.video_base_cost + three.fixed_cost);
    expect(byRef('family').credits).toBe(priced('family'));
    expect(byRef('pair').credits).toBe(two.video_base_cost + two.fixed_cost);
    const video = (await get(rig.sim, `videos/${byRef('family').video_id}`)).body;
    expect(video).toMatchObject({ template_id: three.template_id, duration: three.duration });
    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    expect(lock.jobs.family.templates).toEqual({ effect: { id: String(three.template_id), name: three.display_name } });
    expect(lock.jobs.pair.templates).toEqual({ effect: { id: String(two.template_id), name: two.display_name } });
    expect(lock.jobs.family.params.template_id).toBe(three.template_id);
  }, 60_000);

  it('a misspelt effect gets did-you-mean from the live list, and nothing is submitted', async () => {
    rig = await project();
    const effects: any[] = (await get(rig.sim, 'videos/effects')).body.items;
    const target = effects.find((e) => e.display_name.length > 10 && e.effect_type === '1' && e.template_type === 1)!;
    const typo = target.display_name.slice(0, -1);
    await rig.write(`version: 1\njobs:\n  z: { effect: "${typo}", image: ./hero.png }\n`);
    const { outcome } = await rig.render();
    if (outcome.kind !== 'invalid') throw new Error(`expected invalid, got ${outcome.kind}`);
    const d = outcome.diagnostics.find((x) => x.code === 'unknown-effect')!;
    expect(d.message).toBe(`unknown effect "${typo}"`);
    expect(d.hint).toBe(`did you mean "${target.display_name}"?`);
    expect(rig.sim.stats().jobs).toEqual([]);
  }, 60_000);
});
