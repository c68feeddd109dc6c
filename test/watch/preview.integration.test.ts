/** watch --preview on the simulator: cheap renders, kept apart from the real lock and outputs. */
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog, priceOf } from '../../src/catalog.js';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startWatch } from '../../src/watch.js';
import { Recorder, tempProject } from './helpers.js';

const MANIFEST = `version: 1
name: teaser
defaults:
  model: v6
  quality: 720p
  duration: 8
jobs:
  intro:
    prompt: A lighthouse at dusk
  pour:
    prompt: Coffee pouring
`;

const exists = (path: string) => access(path).then(() => true, () => false);

describe('watch --preview', () => {
  let sim: Simulator;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let file: string;
  const backend = () => ({ apiUrl: sim.url, backend: 'useapi' as const, env: { USEAPI_TOKEN: sim.token }, simTimeScale: 0.001 });

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.001, accounts: 1, maxJobs: 8 });
    project = await tempProject({ 'teaser.yaml': MANIFEST });
    file = join(project.dir, 'teaser.yaml');
  });

  afterEach(async () => {
    await sim.close();
    await project.cleanup();
  });

  it('renders at 360p / 5 s into its own lock and folder, which a real render never takes for its own', async () => {
    const events = new Recorder();
    const session = await startWatch(file, { ...backend(), preview: true, debounceMs: 30, onEvent: events.sink });
    await events.next('idle');
    await session.stop();

    const cheap = priceOf(loadCatalog(), { endpoint: 'videos/create', model: 'v4.5', quality: '360p', duration: 5, motion: 'normal' }).standard;
    expect(sim.stats().jobs.map((j) => j.credits)).toEqual([cheap, cheap]);
    expect(events.ofType('plan')[0]!.credits).toBe(2 * cheap);

    const previewLock = JSON.parse(await readFile(join(project.dir, '.pixrender', 'preview', 'teaser.yaml.lock'), 'utf8'));
    expect(previewLock.jobs.intro).toMatchObject({ output: 'renders/teaser/preview/intro.mp4', params: { quality: '360p', duration: 5 } });
    expect((await readdir(join(project.dir, 'renders', 'teaser', 'preview'))).filter((n) => !n.startsWith('.')).sort()).toEqual(['intro.mp4', 'pour.mp4']);
    expect(await exists(`${file}.lock`)).toBe(false);
    expect(await exists(join(project.dir, 'renders', 'teaser', 'intro.mp4'))).toBe(false);

    // Preview off: the real render finds nothing of its own and renders at the manifest's settings.
    const real = await runManifest(file, { mode: 'render', ...backend() });
    expect(real.kind).toBe('ran');
    if (real.kind !== 'ran') return;
    expect(real.plan.jobs.map((j) => [j.id, j.action])).toEqual([['intro', 'render'], ['pour', 'render']]);
    expect(real.lock.jobs.intro!.params).toMatchObject({ quality: '720p', duration: 8 });
    expect(real.lock.jobs.intro!.output).toBe('renders/teaser/intro.mp4');
  });

  it('re-renders in preview only what changed', async () => {
    const events = new Recorder();
    const session = await startWatch(file, { ...backend(), preview: true, debounceMs: 30, onEvent: events.sink });
    try {
      await events.next('idle');
      const before = sim.stats().jobs.length;
      const mark = events.mark();
      await writeFile(file, MANIFEST.replace('Coffee pouring', 'Tea pouring'));
      expect((await events.next('plan', mark)).jobs).toEqual(['pour']);
      await events.next('idle', mark);
      expect(sim.stats().jobs.slice(before).map((j) => j.replyRef?.split('@')[0])).toEqual(['pixrender:pour']);
    } finally {
      await session.stop();
    }
  });
});
