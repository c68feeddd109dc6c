/**
 * 596 (an account's session is broken): the run stops using that account, says so once, and carries on
 * with the others; no request is retried blindly. Through the real client against the simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AccountHealth, ownerOf } from '../../src/execute/account-health.js';
import { makeRig, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const jobs = (n: number) => `version: 1\njobs:\n${Array.from({ length: n }, (_, i) => `  j${i}: { prompt: "shot ${i}" }`).join('\n')}\n`;

describe('a broken account (596)', () => {
  it('is left out after its first 596: every job renders on the healthy account, one warning names the broken one', async () => {
    rig = await makeRig({ accounts: [{ email: 'broken@sim.test', sessionBroken: true }, { email: 'ok@sim.test' }], maxJobs: 2, seed: 3 });
    await rig.write(jobs(6));
    const { outcome, events } = await rig.render();
    if (outcome.kind !== 'ran') throw new Error(outcome.kind);
    expect(outcome.summary.failed).toBe(0);
    const stats = rig.sim.stats();
    expect(stats.jobs).toHaveLength(6);
    expect(new Set(stats.jobs.map((j) => j.email))).toEqual(new Set(['ok@sim.test']));
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toEqual([expect.stringMatching(/^PixVerse account broken@sim\.test has a broken session \(596\): add it again \(POST accounts\/broken@sim\.test/)]);
    // 596s only for requests already in flight when the first came back (4 slots); none after it.
    const refused = (stats.requests['POST videos/create'] ?? 0) - 6 - stats.sent429;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(4);
  }, 60_000);

  it('with every account broken, jobs fail with the account named, after one request per account', async () => {
    rig = await makeRig({ accounts: [{ email: 'a@sim.test', sessionBroken: true }], maxJobs: 2 });
    await rig.write(jobs(3));
    const { outcome, events } = await rig.render();
    if (outcome.kind !== 'ran') throw new Error(outcome.kind);
    expect(outcome.summary.failed).toBe(3);
    expect(rig.sim.stats().jobs).toEqual([]);
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1);
    // The first 596 marks the account; later jobs are not sent at all (at most the ones already in flight).
    expect(rig.sim.stats().requests['POST videos/create']).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('account routing', () => {
  it('a job on another job\'s video goes to the account in its id; refused when that account is broken', () => {
    const h = new AccountHealth(['a@x.y', 'b@x.y'], () => {});
    const video_id = 'user:1-pixverse:b@x.y-video:391204877615232';
    expect(ownerOf(video_id)).toBe('b@x.y');
    expect(ownerOf('user:1-pixverse:re***@x.y-video:1')).toBeUndefined();
    expect(h.route({ video_id })).toEqual({ ok: true });
    expect(h.route({ prompt: 'p' })).toEqual({ ok: true });
    h.markBroken('b@x.y');
    expect(h.route({ video_id })).toEqual({ ok: false, account: 'b@x.y' });
    expect(h.route({ prompt: 'p' })).toEqual({ ok: true, email: 'a@x.y' });
    expect(h.uploadAccount('b@x.y')).toBe('a@x.y');
  });
});
