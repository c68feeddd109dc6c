/**
 * Saves while a render is in flight, end to end on the simulator: the run stops submitting, the re-run
 * collects unchanged jobs in flight (never resubmits them) and keeps renders of a changed version aside.
 * Edits are triggered by events (a job is `rendering`), never by elapsed time.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { sha256File } from '../../src/hash.js';
import { readWritten } from '../../src/state/written.js';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { Recorder, tempProject } from './helpers.js';

// Slow enough that a render is still going when the save arrives (≈ 0.7 s each for 360p 5 s).
const TIME_SCALE = 0.02;

const manifest = (intro: string, pour: string) => `version: 1
name: teaser
defaults:
  model: v6
  quality: 360p
  duration: 5
jobs:
  intro:
    prompt: ${intro}
    then:
      - extend: { prompt: The camera rises above the lighthouse }
  pour:
    prompt: ${pour}
`;

const jobOf = (replyRef: string | undefined) => /^pixrender:(.+)@/.exec(replyRef ?? '')?.[1];

describe('saves during a run', () => {
  let sim: Simulator;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let session: WatchSession | undefined;
  let events: Recorder;
  let file: string;

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: TIME_SCALE, accounts: 1, maxJobs: 8 });
    project = await tempProject({ 'teaser.yaml': manifest('A lighthouse at dusk', 'Coffee pouring') });
    file = join(project.dir, 'teaser.yaml');
    events = new Recorder();
    session = await startWatch(file, {
      apiUrl: sim.url,
      backend: 'useapi',
      env: { USEAPI_TOKEN: sim.token },
      simTimeScale: TIME_SCALE,
      debounceMs: 30,
      onEvent: events.sink,
    });
    await events.next('idle');
  });

  afterEach(async () => {
    await session?.stop();
    await sim.close();
    await project.cleanup();
  });

  const submittedSince = (from: number) => sim.stats().jobs.slice(from).map((j) => jobOf(j.replyRef)).sort();

  /** Saves `text` as soon as `job` is rendering in the run that starts after `mark`. */
  async function saveWhileRendering(job: string, mark: number, text: string): Promise<number> {
    await events.next('job', mark, (e) => e.id === job && e.state === 'rendering');
    const during = events.mark();
    await writeFile(file, text);
    await events.next('superseded', during);
    return during;
  }

  it('resumes an unchanged job in flight instead of submitting it again', async () => {
    const before = sim.stats().jobs.length;
    const mark = events.mark();
    await writeFile(file, manifest('A lighthouse at dawn', 'Coffee pouring'));
    const during = await saveWhileRendering('intro', mark, manifest('A lighthouse at dawn', 'Tea pouring'));

    // The stopped run ends interrupted; exactly one re-run follows and finishes everything.
    const stopped = await events.next('run-end', mark);
    expect(stopped.summary.stopReason).toBe('interrupted');
    const rerun = await events.next('run-end', during, (e) => e.summary.stopReason === undefined);
    expect(rerun.summary).toMatchObject({ failed: 0, skipped: 0 });
    await events.next('idle', during);
    expect(events.ofType('run-start', mark)).toHaveLength(2);

    expect(submittedSince(before)).toEqual(['intro', 'intro.1', 'pour']);
    const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs).sort()).toEqual(['intro', 'intro.1', 'pour']);
    expect(lock.jobs.intro.params.prompt).toBe('A lighthouse at dawn');
    expect(lock.jobs.pour.params.prompt).toBe('Tea pouring');
  });

  it('keeps the render of a version that changed in flight aside, and renders the new one', async () => {
    const before = sim.stats().jobs.length;
    const mark = events.mark();
    await writeFile(file, manifest('A lighthouse at dawn', 'Coffee pouring'));
    const during = await saveWhileRendering('intro', mark, manifest('A lighthouse at noon', 'Coffee pouring'));
    await events.next('run-end', during, (e) => e.summary.stopReason === undefined);
    await events.next('idle', during);

    // intro twice (dawn, then noon), intro.1 once (only after the final intro), pour never.
    expect(submittedSince(before)).toEqual(['intro', 'intro', 'intro.1']);
    const aside = await readdir(join(project.dir, '.pixrender', 'aside'));
    expect(aside).toEqual([expect.stringMatching(/^intro@[0-9a-f]{12}\.mp4$/)]);
    // Recorded with the sha256 of its bytes: the proof `clean` needs to remove it later.
    const kept = join(project.dir, '.pixrender', 'aside', aside[0]!);
    expect((await readWritten(file)).get(kept)).toEqual({ sha256: await sha256File(kept), kind: 'aside' });
    const warning = events.ofType('warning', during).find((e) => e.id === 'intro');
    expect(warning?.message).toMatch(/superseded by a newer version; kept at \.pixrender\/aside\/intro@/);
  });
});
