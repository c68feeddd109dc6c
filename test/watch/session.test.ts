/**
 * A whole watch session in memory: manifests on memfs through the real loader, graph and planner; a fake
 * runner; fake file events; fake timers. Covers change → re-plan, bursts, changes during a run, invalid
 * saves, the session budget and the watched set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startWatch, type WatchSession } from '../../src/watch.js';
import { fakeBackend, FakeRunner, memoryProject } from './fakes.js';
import { FakeTimers, FakeWatcher, flush, Recorder } from './helpers.js';

const FILE = '/proj/teaser.yaml';
const LOGO = '/proj/logo.png';
const BADGE = '/proj/badge.png';

const manifest = (o: { intro?: string; pour?: string; image?: string } = {}) => `version: 1
name: teaser
defaults:
  model: v6
  quality: 360p
  duration: 5
assets:
  logo: ./logo.png
  badge: ./badge.png
jobs:
  intro:
    prompt: ${o.intro ?? 'A lighthouse at dusk'}
    then:
      - extend: { prompt: The camera rises }
  pour:
    prompt: ${o.pour ?? 'Coffee pouring'}
    image: ${o.image ?? 'logo'}
`;

/** Credits of one 360p 5 s v6 render in the catalog. */
const UNIT = 20;

describe('watch session (in memory)', () => {
  let session: WatchSession | undefined;
  afterEach(async () => {
    await session?.stop();
    session = undefined;
  });

  async function setup(options: { budgetCredits?: number } = {}) {
    const project = memoryProject({ [FILE]: manifest(), [LOGO]: 'logo-bytes', [BADGE]: 'badge-bytes' });
    const runner = new FakeRunner();
    const watcher = new FakeWatcher();
    const timers = new FakeTimers();
    const events = new Recorder();
    /** Runs once inside the next load, after the files were read (a save landing mid-read). */
    let duringLoad: (() => void) | undefined;
    const load = async (file: string) => {
      const result = await project.load(file);
      duringLoad?.();
      duringLoad = undefined;
      return result;
    };
    session = await startWatch(FILE, {
      watcher: watcher.factory,
      timers,
      onEvent: events.sink,
      runtime: { load, run: runner.run, backend: async () => fakeBackend },
      // Asset settling has its own tests (stability.test.ts); here stats come from memfs and nothing waits.
      stability: { settleMs: 0, stat: project.stat },
      ...options,
    });
    await session.whenIdle();
    /** Saves a file and lets the debounce elapse. */
    const save = async (file: string, text: string) => {
      project.write(file, text);
      watcher.emit(file);
      timers.advance(200);
      await flush();
      await session!.whenIdle();
    };
    return { project, runner, watcher, timers, events, save, session, midLoad: (fn: () => void) => (duringLoad = fn) };
  }

  it('renders everything first, then only the edited job and its dependents', async () => {
    const { runner, events, save } = await setup();
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]!.submitted).toEqual(['intro', 'pour', 'intro.1']); // intro.1 after intro
    expect(events.ofType('plan')[0]).toMatchObject({ first: true, credits: 3 * UNIT });

    const mark = events.mark();
    await save(FILE, manifest({ intro: 'A lighthouse at dawn' }));
    expect(runner.runs).toHaveLength(2);
    const plan = events.ofType('plan', mark)[0]!;
    expect(plan).toMatchObject({ first: false, jobs: ['intro', 'intro.1'], cached: 1, credits: 2 * UNIT, sessionSpent: 3 * UNIT });
    expect(runner.runs[1]!.submitted).toEqual(['intro', 'intro.1']);
    const actions = Object.fromEntries(runner.runs[1]!.plan.jobs.map((j) => [j.id, j.action]));
    expect(actions).toEqual({ intro: 'stale', 'intro.1': 'stale', pour: 'cached' });
    expect(events.ofType('change', mark)).toEqual([expect.objectContaining({ files: [FILE], first: false })]);
  });

  it('a burst of saves makes one re-run', async () => {
    const { project, runner, watcher, timers, session } = await setup();
    for (const word of ['dawn', 'noon', 'night', 'storm']) {
      project.write(FILE, manifest({ intro: `A lighthouse at ${word}` }));
      watcher.emit(FILE);
      timers.advance(100);
      await flush();
    }
    expect(runner.runs).toHaveLength(1);
    timers.advance(100);
    await flush();
    await session.whenIdle();
    expect(runner.runs).toHaveLength(2);
    const intro = runner.runs[1]!.plan.jobs.find((j) => j.id === 'intro')!;
    expect(intro.job.params.prompt).toBe('A lighthouse at storm');
  });

  it('a save during a run stops it and makes exactly one re-run, which resumes unchanged jobs in flight', async () => {
    const { project, runner, watcher, timers, events, session } = await setup();
    runner.hold = true;
    project.write(FILE, manifest({ intro: 'A lighthouse at dawn' }));
    watcher.emit(FILE);
    timers.advance(200);
    await flush();
    expect(session.state).toBe('running');
    expect(runner.runs[1]!.submitted).toEqual(['intro']); // in flight

    const mark = events.mark();
    project.write(FILE, manifest({ intro: 'A lighthouse at dawn', pour: 'Milk pouring' }));
    watcher.emit(FILE);
    project.write(FILE, manifest({ intro: 'A lighthouse at dawn', pour: 'Tea pouring' }));
    watcher.emit(FILE);
    await flush();
    expect(runner.runs[1]!.signal!.aborted).toBe(true);
    expect(runner.runs[1]!.outcome).toBe('ran'); // settled: stopped submitting, state kept
    expect(events.ofType('superseded', mark)).toEqual([expect.objectContaining({ files: [FILE] })]); // once per run
    runner.hold = false;
    timers.advance(200);
    await flush();
    await session.whenIdle();

    expect(runner.runs).toHaveLength(3);
    const rerun = runner.runs[2]!;
    expect(rerun.signal!.aborted).toBe(false);
    expect(rerun.submitted).toEqual(['pour', 'intro.1']); // intro is in flight with the same fingerprint: collected, not resubmitted
    expect(rerun.plan.jobs.find((j) => j.id === 'pour')!.job.params.prompt).toBe('Tea pouring');
    const plan = events.ofType('plan', mark)[0]!;
    expect(plan.jobs).toEqual(['intro', 'intro.1', 'pour']);
    expect(plan.credits).toBe(2 * UNIT); // intro is already paid for
  });

  it('an invalid save reports diagnostics with their location and submits nothing', async () => {
    const { runner, events, save, watcher } = await setup();
    const watched = [...watcher.files];
    const mark = events.mark();
    await save(FILE, manifest().replace('  pour:\n', '  pour:\n   bad: [unclosed\n'));
    const invalid = events.ofType('invalid', mark)[0]!;
    expect(invalid.errors).toBeGreaterThan(0);
    expect(invalid.diagnostics[0]).toMatchObject({ severity: 'error', code: 'yaml-syntax', location: { file: FILE } });
    expect(invalid.sources.get(FILE)).toContain('bad: [unclosed');
    expect(runner.runs).toHaveLength(1); // no run at all: nothing planned, nothing submitted
    expect(watcher.files).toEqual(watched);
    expect(events.ofType('idle', mark)).toHaveLength(1);

    // A schema error (not only YAML syntax) is refused the same way.
    await save(FILE, manifest().replace('prompt: Coffee pouring', 'prompt: 42\n    quality: 999p'));
    expect(events.ofType('invalid', mark)).toHaveLength(2);
    expect(runner.runs).toHaveLength(1);
  });

  it('refuses a change that would take the session over its budget, and keeps watching', async () => {
    const { runner, events, save } = await setup({ budgetCredits: 3 * UNIT + UNIT });
    expect(runner.runs[0]!.outcome).toBe('ran');
    const mark = events.mark();
    await save(FILE, manifest({ intro: 'A lighthouse at dawn' })); // 2 more renders: over by one
    expect(events.ofType('refused', mark)).toEqual([
      expect.objectContaining({ reason: 'session-budget', credits: 2 * UNIT, sessionSpent: 3 * UNIT, budget: 4 * UNIT }),
    ]);
    expect(runner.runs[1]!).toMatchObject({ outcome: 'refused', submitted: [] });

    await save(FILE, manifest({ pour: 'Tea pouring' })); // one render fits
    expect(runner.runs[2]!).toMatchObject({ outcome: 'ran', submitted: ['pour'] });
    expect(events.ofType('idle').at(-1)).toMatchObject({ sessionSpent: 4 * UNIT, budget: 4 * UNIT });
  });

  it('a file saved while it was being read makes the cycle start over instead of running', async () => {
    const { project, runner, watcher, timers, events, session, midLoad } = await setup();
    const mark = events.mark();
    midLoad(() => project.write(FILE, manifest({ intro: 'A lighthouse at midnight, a much longer prompt' })));
    project.write(FILE, manifest({ intro: 'A lighthouse at dawn' }));
    watcher.emit(FILE);
    timers.advance(200);
    await flush();
    expect(session.state).toBe('debouncing'); // requeued by the cycle itself
    expect(runner.runs).toHaveLength(1);
    timers.advance(200);
    await flush();
    await session.whenIdle();
    expect(runner.runs).toHaveLength(2);
    expect(runner.runs[1]!.plan.jobs.find((j) => j.id === 'intro')!.job.params.prompt).toBe('A lighthouse at midnight, a much longer prompt');
    expect(events.ofType('plan', mark)).toHaveLength(1);
  });

  it('watches the manifest and the assets it uses, recomputed after each successful load', async () => {
    const { watcher, runner, events, save } = await setup();
    expect(watcher.files).toEqual([LOGO, FILE].sort());
    expect(events.ofType('watching').at(-1)!.files).toEqual([LOGO, FILE].sort());

    await save(FILE, manifest({ image: 'badge' }));
    expect(watcher.files).toEqual([BADGE, FILE].sort());
    expect(runner.runs[1]!.submitted).toEqual(['pour']);

    // Warnings are shown when they change, not on every save.
    const warned = events.ofType('warnings').map((e) => e.diagnostics.map((d) => d.message));
    expect(warned).toEqual([['asset "badge" is not used by any job'], ['asset "logo" is not used by any job']]);

    await save(BADGE, 'new badge bytes'); // an asset's content changed: only its job renders
    expect(runner.runs).toHaveLength(3);
    expect(runner.runs[2]!.submitted).toEqual(['pour']);
    expect(runner.runs[2]!.plan.jobs.find((j) => j.id === 'pour')!.action).toBe('stale');
  });
});
