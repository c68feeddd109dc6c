/** Every example manifest renders end to end on the simulator: every job kind, frames, uploads, post steps. */
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManifest } from '../../src/pipeline.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const TIME_SCALE = 0.002;
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  // Off-peak jobs wait for "off-peak hours": a short wait keeps the suite fast.
  sim = await startSimulator({ timeScale: TIME_SCALE, maxJobs: 8, credits: 1_000_000, offPeakWaitSeconds: 60 });
  dir = await mkdtemp(join(tmpdir(), 'pixrender-examples-'));
  await cp(examples, dir, { recursive: true, filter: (src) => !src.includes('renders') && !src.endsWith('.lock') && !src.includes('.pixrender') });
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const files = (await readdir(examples)).filter((f) => f.endsWith('.yaml'));

describe('examples', () => {
  // The biggest example takes ~15 s alone and twice that on a loaded 2-core machine.
  it.each(files)('%s renders completely', { timeout: 120_000 }, async (name) => {
    const file = join(dir, name);
    const outcome = await runManifest(file, {
      mode: 'render',
      backend: 'useapi',
      apiUrl: sim.url,
      env: { USEAPI_TOKEN: sim.token },
      simTimeScale: TIME_SCALE,
      tuning: { busyBackoffMs: 100, busyBackoffMaxMs: 400 },
    });
    if (outcome.kind !== 'ran') throw new Error(`${name}: ${outcome.kind}`);
    expect(outcome.summary.failures).toEqual([]);
    expect(outcome.summary.done).toBe(outcome.plan.jobs.length);
    const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8'));
    expect(Object.keys(lock.jobs).sort()).toEqual(outcome.plan.jobs.map((j) => j.id).sort());
    for (const entry of Object.values<any>(lock.jobs)) expect((await stat(join(dir, entry.output))).size).toBe(entry.size);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/output:\s*([\w.-]+\.(?:mp4|png|jpg))/g)) {
      const produced = (await readdir(join(dir, 'renders'), { recursive: true })).some((p) => String(p).endsWith(match[1]!));
      expect(produced, `post output ${match[1]}`).toBe(true);
    }
  });
});
