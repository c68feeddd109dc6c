/** Shared set-up for render integration tests: a temp project, a simulator on 127.0.0.1, and a runner. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../src/events.js';
import { runManifest, type RunOptions, type RunOutcome } from '../../src/pipeline.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

export interface Rig {
  dir: string;
  sim: Simulator;
  file: string;
  write(yaml: string): Promise<void>;
  render(options?: Partial<RunOptions>): Promise<{ outcome: RunOutcome; events: RunEvent[] }>;
  /** How many times each job id was accepted by the simulator. */
  submissionsByJob(): Map<string, number>;
  close(): Promise<void>;
}

/** Fast retries so fault tests finish quickly; polling paced by the simulator's time scale. */
export const FAST_TUNING = { busyBackoffMs: 200, busyBackoffMaxMs: 800 };

export async function makeRig(simOptions: SimulatorOptions = {}, name = 'project.yaml'): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-render-'));
  // A stand-in for the real API: it does not name itself (the standalone case is test/cli/standalone-sim.test.ts).
  const sim = await startSimulator({ timeScale: 0.005, maxJobs: 4, seed: 7, identify: false, ...simOptions });
  const file = join(dir, name);
  return {
    dir,
    sim,
    file,
    write: (yaml) => writeFile(file, yaml),
    async render(options = {}) {
      const events: RunEvent[] = [];
      const outcome = await runManifest(file, {
        mode: 'render',
        backend: 'useapi',
        apiUrl: sim.url,
        env: { USEAPI_TOKEN: sim.token },
        simTimeScale: simOptions.timeScale ?? 0.005,
        tuning: FAST_TUNING,
        onEvent: (e) => events.push(e),
        ...options,
      });
      return { outcome, events };
    },
    submissionsByJob() {
      const counts = new Map<string, number>();
      for (const job of sim.stats().jobs) {
        const id = /^pixrender:(.*)@[0-9a-f]{16}#/.exec(job.replyRef ?? '')?.[1] ?? '?';
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function manifest(jobs: string, extra = ''): string {
  return `version: 1\nname: test\ndefaults:\n  model: v6\n  quality: 360p\n  duration: 5\n${extra}jobs:\n${jobs}`;
}

export function ran(outcome: RunOutcome): Extract<RunOutcome, { kind: 'ran' }> {
  if (outcome.kind !== 'ran') throw new Error(`expected the run to happen, got ${outcome.kind}: ${JSON.stringify(outcome, null, 1).slice(0, 2000)}`);
  return outcome;
}
