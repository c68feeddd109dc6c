/**
 * `pixrender watch` in-process: flags, NDJSON output, and Ctrl-C (SIGINT emitted on the process) leaving
 * state that a later render resumes without submitting anything twice.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../src/commands/watch.js';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { readStateSnapshot } from '../../src/state/file-store.js';
import { tempProject } from './helpers.js';

const MANIFEST = `version: 1
name: teaser
defaults:
  model: v6
  quality: 360p
  duration: 5
jobs:
  intro:
    prompt: A lighthouse at dusk
    then:
      - extend: { prompt: The camera rises }
  pour:
    prompt: Coffee pouring
`;

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function until(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${out}\nstderr:\n${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

describe('pixrender watch: flags', () => {
  it.each([
    [[], /expected one manifest file/],
    [['a.yaml', 'b.yaml'], /expected one manifest file/],
    [['a.yaml', '--debounce', 'soon'], /--debounce expects a number/],
    [['a.yaml', '--debounce=-5'], /--debounce expects a number ≥ 0, got "-5"/],
    [['a.yaml', '--budget=-1'], /--budget expects a number ≥ 0, got "-1"/],
    [['a.yaml', '--backend', 'cloud'], /--backend must be sim or useapi/],
    [['a.yaml', '--nope'], /Unknown option/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    expect(await command.run(argv)).toBe(2);
    expect(err).toMatch(message);
  });
});

describe('pixrender watch without a usable backend', () => {
  it('ends with exit 2 and says why, having submitted nothing', async () => {
    const project = await tempProject({ 'teaser.yaml': MANIFEST });
    const saved = process.env.USEAPI_TOKEN;
    delete process.env.USEAPI_TOKEN;
    try {
      expect(await command.run([join(project.dir, 'teaser.yaml'), '--backend', 'useapi'])).toBe(2);
      expect(err).toMatch(/pixrender watch: no API token: set USEAPI_TOKEN/);
    } finally {
      if (saved !== undefined) process.env.USEAPI_TOKEN = saved;
      await project.cleanup();
    }
  });
});

describe('pixrender watch on the simulator', () => {
  let sim: Simulator;
  let project: Awaited<ReturnType<typeof tempProject>>;
  let file: string;
  const savedToken = process.env.USEAPI_TOKEN;

  const start = (timeScale: number, extra: string[] = []) => {
    process.env.USEAPI_TOKEN = sim.token;
    return command.run([file, '--api-url', sim.url, '--backend', 'useapi', '--time-scale', String(timeScale), '--debounce', '30', '--json', ...extra]);
  };

  afterEach(async () => {
    if (savedToken === undefined) delete process.env.USEAPI_TOKEN;
    else process.env.USEAPI_TOKEN = savedToken;
    await sim.close();
    await project.cleanup();
  });

  it('prints NDJSON watch and run events, and exits 0 on Ctrl-C while idle', async () => {
    sim = await startSimulator({ timeScale: 0.001 });
    project = await tempProject({ 'teaser.yaml': MANIFEST });
    file = join(project.dir, 'teaser.yaml');
    const exit = start(0.001, ['--budget', '1000']);
    await until(() => lines().some((l) => l.type === 'idle'), 'the first idle event');
    await writeFile(file, MANIFEST.replace('Coffee pouring', 'Tea pouring'));
    await until(() => lines().filter((l) => l.type === 'idle').length === 2, 'the second idle event');
    process.emit('SIGINT');
    expect(await exit).toBe(0);

    const types = lines().map((l) => l.type);
    expect(types.slice(0, 4)).toEqual(['watching', 'change', 'backend', 'plan']);
    expect(types).toContain('run-start');
    expect(types).toContain('run-end');
    const plans = lines().filter((l) => l.type === 'plan');
    expect(plans.map((p) => p.jobs)).toEqual([['intro', 'intro.1', 'pour'], ['pour']]);
    expect(plans[1]).toMatchObject({ first: false, budget: 1000, sessionSpent: 60 });
    expect(`${out}${err}`).not.toContain(sim.token);
  });

  it('Ctrl-C during a run stops submitting, saves state and exits 130; render then resumes without resubmitting', async () => {
    sim = await startSimulator({ timeScale: 0.02 });
    project = await tempProject({ 'teaser.yaml': MANIFEST });
    file = join(project.dir, 'teaser.yaml');
    const exit = start(0.02);
    await until(() => lines().some((l) => l.type === 'job' && l.state === 'rendering'), 'a job rendering');
    process.emit('SIGINT');
    expect(await exit).toBe(130);
    expect(err).toMatch(/Stopping: no new submissions; saving state/);

    const state = await readStateSnapshot(file);
    expect(state.pending.size).toBeGreaterThan(0);
    const submitted = sim.stats().jobs.length;
    const pendingIds = [...state.pending.keys()].sort();

    const resumed = await runManifest(file, { mode: 'render', apiUrl: sim.url, backend: 'useapi', env: { USEAPI_TOKEN: sim.token }, simTimeScale: 0.02 });
    expect(resumed.kind).toBe('ran');
    if (resumed.kind !== 'ran') return;
    expect(resumed.summary.failed).toBe(0);
    const after = sim.stats().jobs.slice(submitted).map((j) => /^pixrender:(.+)@/.exec(j.replyRef ?? '')?.[1]);
    for (const id of pendingIds) expect(after).not.toContain(id); // collected, never submitted again
    expect(Object.keys(resumed.lock.jobs).sort()).toEqual(['intro', 'intro.1', 'pour']);
  });
});
