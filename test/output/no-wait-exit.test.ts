/**
 * `render --no-wait` and `status` exit 0 when nothing failed: jobs still rendering, jobs waiting for them
 * and post steps over them are not failures (so `render --no-wait && …` works in CI); `plan` after it
 * counts the submitted jobs as in flight.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example, runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-no-wait-'));
  // matrix.yaml: 10 matrix cells, one job extending a cell, and a contact sheet over cells.
  await cp(example('matrix.yaml'), join(dir, 'matrix.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('render --no-wait, plan, status', () => {
  it('exit 0 with the pending count, plan shows them in flight, status collects them with exit 0', async () => {
    const render = await runCli(dir, ['render', 'matrix.yaml', '--no-wait', '--time-scale', '0.01'], { CI: '1' });
    expect(render.code, render.err + render.out).toBe(0);
    expect(render.out).toMatch(/10 still rendering, 1 waiting/);
    expect(render.out).not.toMatch(/✖|failed/);

    const plan = await runCli(dir, ['plan', 'matrix.yaml', '--json']);
    expect(plan.code, plan.err).toBe(0);
    const totals = (JSON.parse(plan.out) as { totals: { inFlight: number; render: number } }).totals;
    expect(totals).toMatchObject({ inFlight: 10 });

    const status = await runCli(dir, ['status', 'matrix.yaml', '--time-scale', '0.01'], { CI: '1' });
    expect(status.code, status.err + status.out).toBe(0);
    expect(status.out).toMatch(/10 rendered/);
  });
});
