/**
 * A schedule.deadline in the past is a warning in validate and plan (offPeak: auto then plans the
 * standard rate); the flagship example carries no date that can go stale.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, runCli } from './run-cli.js';

let dir: string;
const manifest = (deadline: string) => `version: 1
name: late
defaults:
  quality: 360p
  duration: 5
  offPeak: auto
schedule:
  deadline: ${deadline}
jobs:
  a:
    prompt: a lighthouse at dusk
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-deadline-'));
  await writeFile(join(dir, 'past.yaml'), manifest(new Date(Date.now() - 3600_000).toISOString()));
  await writeFile(join(dir, 'future.yaml'), manifest(new Date(Date.now() + 30 * 86400_000).toISOString()));
  await cp(example('espresso-teaser.yaml'), join(dir, 'espresso-teaser.yaml'));
  await cp(example('assets'), join(dir, 'assets'), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('schedule.deadline in the past', () => {
  it('warns in validate (exit 0) and plan, which plans the standard rate', async () => {
    const v = await runCli(dir, ['validate', 'past.yaml']);
    expect(v.code, v.err).toBe(0);
    expect(v.err).toMatch(/past\.yaml:8:13 warning\[deadline-passed\] schedule\.deadline .* has passed/);
    expect(v.out).toMatch(/past\.yaml: ok \(1 job, 1 warning\)/);
    const p = await runCli(dir, ['plan', 'past.yaml', '--json']);
    const plan = JSON.parse(p.out) as { diagnostics: { code: string; line: number }[]; jobs: { offPeak: boolean }[] };
    expect(plan.diagnostics).toMatchObject([{ code: 'deadline-passed', line: 8 }]);
    expect(plan.jobs[0]!.offPeak).toBe(false);
  });

  it('a deadline ahead gives no warning and off-peak; the flagship example validates without warnings', async () => {
    const p = await runCli(dir, ['plan', 'future.yaml', '--json']);
    const plan = JSON.parse(p.out) as { diagnostics: unknown[]; jobs: { offPeak: boolean }[] };
    expect(plan.diagnostics).toEqual([]);
    expect(plan.jobs[0]!.offPeak).toBe(true);
    const v = await runCli(dir, ['validate', 'espresso-teaser.yaml']);
    expect(v.code, v.err).toBe(0);
    expect(v.err).toBe('');
    expect(v.out).toMatch(/espresso-teaser\.yaml: ok \(\d+ jobs\)\n$/);
  });
});
