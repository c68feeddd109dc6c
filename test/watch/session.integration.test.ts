/**
 * Watch mode end to end: a real temp project, real chokidar, the real pipeline, and the simulator over
 * real HTTP. Assertions are about what the simulator received (its `stats().jobs`, whose replyRefs start
 * with `pixrender:<jobId>@`), never about elapsed milliseconds.
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { Recorder, tempProject } from './helpers.js';

const MANIFEST = `version: 1
name: teaser
defaults:
  model: v6
  quality: 360p
  duration: 5
jobs:
  intro:
    prompt: A lighthouse at dusk, waves below
    then:
      - extend: { prompt: The camera rises above the lighthouse }
  pour:
    prompt: Coffee pouring into a white cup
`;

const STILL = new URL('../fixtures/manifests/assets/still.png', import.meta.url);

const jobOf = (replyRef: string | undefined) => /^pixrender:(.+)@/.exec(replyRef ?? '')?.[1];

describe('watch mode on the simulator', () => {
  let sim: Simulator;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let session: WatchSession | undefined;
  let events: Recorder;
  let file: string;

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.001, accounts: 1, maxJobs: 8 });
    project = await tempProject({ 'teaser.yaml': MANIFEST });
    file = join(project.dir, 'teaser.yaml');
    events = new Recorder();
  });

  afterEach(async () => {
    await session?.stop();
    session = undefined;
    await sim.close();
    await project.cleanup();
  });

  const start = async (extra: Parameters<typeof startWatch>[1] = {}) => {
    session = await startWatch(file, {
      apiUrl: sim.url,
      backend: 'useapi',
      env: { USEAPI_TOKEN: sim.token },
      simTimeScale: 0.001,
      debounceMs: 50,
      onEvent: events.sink,
      ...extra,
    });
    return session;
  };

  const submittedJobs = (from = 0) => sim.stats().jobs.slice(from).map((j) => jobOf(j.replyRef));

  it('renders once, then resubmits exactly the edited job and its dependents', async () => {
    await start();
    const firstEnd = await events.next('run-end');
    expect(firstEnd.summary.done).toBe(3);
    await events.next('idle');
    expect(submittedJobs().sort()).toEqual(['intro', 'intro.1', 'pour']);
    const watching = events.ofType('watching').at(-1)!;
    expect(watching.files).toContain(file);

    const before = sim.stats().jobs.length;
    const mark = events.mark();
    await writeFile(file, MANIFEST.replace('A lighthouse at dusk', 'A lighthouse at dawn'));
    const plan = await events.next('plan', mark);
    expect([...plan.jobs].sort()).toEqual(['intro', 'intro.1']);
    expect(plan.cached).toBe(1);
    const end = await events.next('run-end', mark);
    expect(end.summary).toMatchObject({ done: 2, cached: 1, failed: 0 });
    await events.next('idle', mark);
    expect(submittedJobs(before).sort()).toEqual(['intro', 'intro.1']);
    // pour made no API call at all in that run: no job event other than `cached`.
    const pourStates = events.ofType('job', mark).filter((e) => e.id === 'pour').map((e) => e.state);
    expect(pourStates).toEqual(['cached']);
  });

  it('--only: each save renders only the selected jobs and what they need; the rest stay locked and unsubmitted', async () => {
    await start();
    await events.next('idle');
    await session!.stop();
    const pourEntry = (JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { jobs: Record<string, { videoId: string }> }).jobs['pour']!;
    await writeFile(file, MANIFEST.replace('A lighthouse at dusk', 'A lighthouse at noon'));
    const first = events.mark();
    await start({ select: { only: ['intro.1'], exclude: [] } });
    const firstEnd = await events.next('run-end', first);
    expect(firstEnd.summary.done).toBe(2);
    await events.next('idle', first);
    expect(submittedJobs(3).sort()).toEqual(['intro', 'intro.1']);

    // A save that changes both the selected chain and a job outside it renders only the chain.
    const before = sim.stats().jobs.length;
    const mark = events.mark();
    await writeFile(file, MANIFEST.replace('A lighthouse at dusk', 'A lighthouse at dawn').replace('Coffee pouring', 'Tea pouring'));
    const end = await events.next('run-end', mark);
    expect(end.summary).toMatchObject({ done: 2, failed: 0 });
    await events.next('idle', mark);
    expect(submittedJobs(before).sort()).toEqual(['intro', 'intro.1']);
    expect(events.ofType('job', mark).some((e) => e.id === 'pour')).toBe(false);

    // A save that renames the selected job: the selection matches nothing, nothing is submitted.
    const renamed = events.mark();
    const count = sim.stats().jobs.length;
    await writeFile(file, MANIFEST.replace('  intro:', '  opening:'));
    const invalid = await events.next('invalid', renamed);
    expect(invalid.diagnostics.some((d) => d.code === 'selection-matches-nothing')).toBe(true);
    await events.next('idle', renamed);
    expect(sim.stats().jobs.length).toBe(count);
    const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { jobs: Record<string, { videoId: string }> };
    expect(Object.keys(lock.jobs).sort()).toEqual(['intro', 'intro.1', 'pour']);
    expect(lock.jobs['pour']!.videoId).toBe(pourEntry.videoId);
  });

  it('an invalid save prints diagnostics, submits nothing and leaves outputs alone', async () => {
    await start();
    await events.next('idle');
    const submitted = sim.stats().jobs.length;
    const output = join(project.dir, 'renders', 'teaser', 'intro.mp4');
    const before = await stat(output);
    const lockBefore = await readFile(`${file}.lock`, 'utf8');

    const mark = events.mark();
    await writeFile(file, MANIFEST.replace('  pour:\n', '  pour:\n   bad: [unclosed\n'));
    const invalid = await events.next('invalid', mark);
    expect(invalid.errors).toBeGreaterThan(0);
    expect(invalid.diagnostics.some((d) => d.severity === 'error' && d.location?.file.endsWith('teaser.yaml'))).toBe(true);
    await events.next('idle', mark);

    expect(sim.stats().jobs.length).toBe(submitted);
    expect(events.ofType('run-start', mark)).toEqual([]);
    const after = await stat(output);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(lockBefore);

    // Fixing it renders nothing new: the manifest is back to what was rendered.
    const fixed = events.mark();
    await writeFile(file, MANIFEST);
    const plan = await events.next('plan', fixed);
    expect(plan.jobs).toEqual([]);
    await events.next('idle', fixed);
    expect(sim.stats().jobs.length).toBe(submitted);
  });

  it('watches the assets jobs use: a new one is picked up, and changing its bytes re-renders only its job', async () => {
    await start();
    await events.next('idle');
    await mkdir(join(project.dir, 'images'));
    await copyFile(STILL, join(project.dir, 'images', 'hero.png'));
    const before = sim.stats().jobs.length;

    const mark = events.mark();
    await writeFile(file, MANIFEST.replace('    prompt: Coffee pouring into a white cup', '    image: ./images/hero.png\n    prompt: Coffee pouring into a white cup'));
    const watching = await events.next('watching', mark);
    expect(watching.files).toContain(join(project.dir, 'images', 'hero.png'));
    await events.next('idle', mark);
    expect(submittedJobs(before)).toEqual(['pour']);

    const edited = events.mark();
    const bytes = await readFile(STILL);
    await writeFile(join(project.dir, 'images', 'hero.png'), Buffer.concat([bytes, Buffer.from('changed')]));
    const plan = await events.next('plan', edited);
    expect(plan.jobs).toEqual(['pour']);
    await events.next('idle', edited);
    expect(submittedJobs(before)).toEqual(['pour', 'pour']);
  });
});
