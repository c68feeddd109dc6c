/** Template lists of an API: read once, cached under .pixrender with a time to live, read again for an unknown name; offline: the cache or a clear diagnostic. */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { loadWithTemplates } from '../../src/templates/source.js';

let sim: Simulator;
let dir: string;
let file: string;
beforeEach(async () => {
  sim = await startSimulator({ timeScale: 0 });
  dir = await mkdtemp(join(tmpdir(), 'pixrender-templates-'));
  file = join(dir, 'show.yaml');
  await copyFile('examples/assets/hero.png', join(dir, 'hero.png'));
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const effectReads = () => sim.stats().requests['GET videos/effects'] ?? 0;
const cacheFile = () => join(dir, '.pixrender', 'templates.json');
const load = (env: NodeJS.ProcessEnv, now = new Date()) =>
  loadWithTemplates(file, { config: {}, catalog: loadCatalog() }, { backend: 'useapi', apiUrl: sim.url, env, now: () => now });
const effectJob = (name: string) => writeFile(file, `version: 1\njobs:\n  z: { effect: "${name}", image: ./hero.png }\n`);

describe('template cache', () => {
  it('a manifest that names no template reads no list', async () => {
    await writeFile(file, 'version: 1\njobs:\n  t: { prompt: a lighthouse }\n');
    expect((await load({ USEAPI_TOKEN: sim.token })).manifest).toBeDefined();
    expect(effectReads()).toBe(0);
  });

  it('reads the lists once, then uses the cache until it expires', async () => {
    await effectJob('Snow Globe');
    const env = { USEAPI_TOKEN: sim.token };
    expect((await load(env)).manifest?.jobs[0]!.params.template_id).toBe(341208877112320);
    expect(effectReads()).toBe(1);
    const cached = JSON.parse(await readFile(cacheFile(), 'utf8'));
    expect(cached.lists[sim.url].effects.length).toBeGreaterThan(300);
    await load(env);
    expect(effectReads()).toBe(1);
    await load(env, new Date(Date.now() + 25 * 3_600_000));
    expect(effectReads()).toBe(2);
  });

  it('a name the cached list lacks reads the live list again, once', async () => {
    const env = { USEAPI_TOKEN: sim.token };
    await effectJob('Snow Globe');
    await load(env);
    // The cache predates a template the API lists now.
    const cached = JSON.parse(await readFile(cacheFile(), 'utf8'));
    cached.lists[sim.url].effects = cached.lists[sim.url].effects.filter((e: any) => e.display_name !== 'Earth Zoom');
    await writeFile(cacheFile(), JSON.stringify(cached));
    await effectJob('Earth Zoom');
    const r = await load(env);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(effectReads()).toBe(2);
    // A name nobody lists: one more read, then the did-you-mean.
    await effectJob('Earth Zom');
    const typo = await load(env);
    expect(effectReads()).toBe(3);
    expect(typo.diagnostics.find((d) => d.code === 'unknown-effect')?.hint).toBe('did you mean "Earth Zoom"?');
  });

  it('offline: an expired cache is used with a warning; without any cache, a job naming a template gets a clear error', async () => {
    await effectJob('Snow Globe');
    await load({ USEAPI_TOKEN: sim.token });
    const later = new Date(Date.now() + 48 * 3_600_000);
    const stale = await load({}, later);
    expect(stale.manifest).toBeDefined();
    expect(stale.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'templates-stale']]);
    await rm(cacheFile());
    const none = await load({}, later);
    expect(none.manifest).toBeUndefined();
    const d = none.diagnostics.find((x) => x.code === 'unknown-effect')!;
    expect(d.message).toMatch(/^cannot look up effect "Snow Globe": no effects, voices or restyles are cached for .*, and no API token to read them \(set USEAPI_TOKEN\)$/);
    // A manifest without templates does not need the lists.
    await writeFile(file, 'version: 1\njobs:\n  t: { prompt: a lighthouse }\n');
    expect((await load({}, later)).manifest).toBeDefined();
  });
});

describe('template cache that cannot be written', () => {
  it('a project whose .pixrender cannot hold the cache still gets the live lists', async () => {
    await effectJob('Snow Globe');
    // A file where the folder should be: no cache can be written there (whoever runs the test).
    await writeFile(join(dir, '.pixrender'), 'not a folder');
    const r = await load({ USEAPI_TOKEN: sim.token });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.manifest?.jobs[0]!.params.template_id).toBe(341208877112320);
  });
});
