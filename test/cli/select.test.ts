/** --only / --exclude on the real CLI: the plan says what came along, and a partial render keeps the rest of the lock. */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, requireBuild, runCli } from './helpers.js';

let dir: string;
const run = (args: string[]) => runCli(dir, args);
const lockJobs = async () => Object.keys((JSON.parse(await readFile(join(dir, 'quickstart.yaml.lock'), 'utf8')) as { jobs: object }).jobs).sort();

beforeAll(async () => {
  requireBuild();
  dir = await mkdtemp(join(tmpdir(), 'pixrender-select-'));
  await cp(exampleFile('quickstart.yaml'), join(dir, 'quickstart.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('--only / --exclude', () => {
  it('plan --only names the upstream job that comes along', () => {
    const r = run(['plan', 'quickstart.yaml', '--only', 'lighthouse-night']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('selected 1 job; 1 needed upstream job comes along: lighthouse; 0 left out');
    expect(r.out).toMatch(/2 jobs: 2 to render/);
    const json = run(['plan', 'quickstart.yaml', '--only', 'lighthouse-night', '--json']);
    expect(json.code, json.err).toBe(0);
    const plan = JSON.parse(json.out) as { selection: unknown; jobs: { id: string }[] };
    expect(plan.selection).toEqual({ chosen: ['lighthouse-night'], upstream: ['lighthouse'], left: 0 });
    expect(plan.jobs.map((j) => j.id).sort()).toEqual(['lighthouse', 'lighthouse-night']);
    expect((JSON.parse(run(['plan', 'quickstart.yaml', '--json']).out) as { selection: unknown }).selection).toBeNull();
    const ex = run(['plan', 'quickstart.yaml', '--exclude', 'lighthouse-night']);
    expect(ex.out).toMatch(/1 job: 1 to render/);
    expect(ex.out).toContain('1 left out');
    const none = run(['plan', 'quickstart.yaml', '--only', 'lighthouse-nite']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('error[selection-matches-nothing]');
    expect(none.err).toContain('did you mean "lighthouse-night"?');
  });

  it('render --only renders only that job and keeps the lock entries of the others; status --only collects', async () => {
    const full = run(['render', 'quickstart.yaml', '--plain']);
    expect(full.code, full.err).toBe(0);
    expect(await lockJobs()).toEqual(['lighthouse', 'lighthouse-night']);
    // State stays out of git without the project doing anything.
    expect(await readFile(join(dir, '.pixrender', '.gitignore'), 'utf8')).toMatch(/^\*$/m);

    const only = run(['render', 'quickstart.yaml', '--only', 'lighthouse', '--plain']);
    expect(only.code, only.err).toBe(0);
    expect(only.err).toContain('selected 1 job; 1 left out');
    expect(only.err).toMatch(/Plan: 0 to render .*1 cached/);
    // A partial run is not a reason to forget what the rest of the manifest rendered and paid for.
    expect(await lockJobs()).toEqual(['lighthouse', 'lighthouse-night']);
    const after = run(['plan', 'quickstart.yaml']);
    expect(after.out).toMatch(/2 jobs: 0 to render, 2 cached/);

    const status = run(['status', 'quickstart.yaml', '--only', 'lighthouse-night', '--plain']);
    expect(status.code, status.err).toBe(0);
    expect(existsSync(join(dir, 'quickstart.yaml.lock'))).toBe(true);
    expect(await lockJobs()).toEqual(['lighthouse', 'lighthouse-night']);
  });
});
