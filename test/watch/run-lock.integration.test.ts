/**
 * A save made while another run holds the manifest's run lock (a `pixrender render` in another terminal)
 * is not dropped: watch says it is waiting, and renders the change once the lock is released.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { openFileStore } from '../../src/state/file-store.js';
import type { StateStore } from '../../src/state/store.js';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { Recorder, tempProject } from './helpers.js';

const MANIFEST = `version: 1
name: locked
defaults:
  model: v6
  quality: 360p
jobs:
  intro:
    prompt: A lighthouse at dusk
`;

const jobOf = (replyRef: string | undefined) => /^pixrender:(.+)@/.exec(replyRef ?? '')?.[1];

describe('watch while another process holds the run lock', () => {
  let sim: Simulator;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let session: WatchSession | undefined;
  let other: StateStore | undefined;
  let events: Recorder;
  let file: string;

  beforeEach(async () => {
    sim = await startSimulator({ timeScale: 0.001, maxJobs: 8 });
    project = await tempProject({ 'locked.yaml': MANIFEST });
    file = join(project.dir, 'locked.yaml');
    events = new Recorder();
  });

  afterEach(async () => {
    await other?.close();
    other = undefined;
    await session?.stop();
    session = undefined;
    await sim.close();
    await project.cleanup();
  });

  const start = () =>
    startWatch(file, { apiUrl: sim.url, backend: 'useapi', env: { USEAPI_TOKEN: sim.token }, simTimeScale: 0.001, debounceMs: 50, onEvent: events.sink });

  it('waits for the lock, tells the user, then renders the save', async () => {
    session = await start();
    await events.next('run-end');
    await events.next('idle');
    expect(sim.stats().jobs.map((j) => jobOf(j.replyRef))).toEqual(['intro']);

    other = await openFileStore(file); // the run lock, as a render in another terminal holds it
    const mark = events.mark();
    await writeFile(file, MANIFEST.replace('at dusk', 'at dawn'));
    const waiting = await events.next('waiting', mark);
    expect(waiting).toMatchObject({ for: 'run-lock', holder: { pid: process.pid } });
    expect(events.ofType('warning', mark).some((w) => /waiting/.test(w.message))).toBe(true);
    // Still waiting: nothing planned or submitted, and no error reported.
    await new Promise((r) => setTimeout(r, 600));
    expect(events.ofType('error', mark)).toEqual([]);
    expect(events.ofType('plan', mark)).toEqual([]);
    expect(sim.stats().jobs).toHaveLength(1);

    await other.close();
    other = undefined;
    const end = await events.next('run-end', mark);
    expect(end.summary.done).toBe(1);
    await session.whenIdle();
    expect(sim.stats().jobs.map((j) => jobOf(j.replyRef))).toEqual(['intro', 'intro']);
    expect(events.ofType('error', mark)).toEqual([]);
  }, 60_000);

  it('waits at the first render too, and stops cleanly while waiting', async () => {
    other = await openFileStore(file);
    session = await start();
    await events.next('waiting');
    const result = await session.stop();
    session = undefined;
    expect(result.error).toBeUndefined();
    expect(sim.stats().jobs).toEqual([]);
  }, 60_000);
});
