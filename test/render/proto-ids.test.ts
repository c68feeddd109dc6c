/** Job ids that name Object.prototype members are ordinary keys in every table: lock, journal, graph, plan. */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, manifest, ran, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const IDS = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];

describe('job ids that are Object.prototype names', () => {
  it('render once, are cached on the second run, and have their own lock entries', { timeout: 120_000 }, async () => {
    rig = await makeRig({ maxJobs: 8 });
    const jobs = IDS.map((id, i) => `  ${id}:\n    prompt: shot ${i}\n`).join('') + '  after:\n    extend: __proto__\n    prompt: and then\n';
    await rig.write(manifest(jobs));
    const first = ran((await rig.render()).outcome);
    expect(first.summary.failures).toEqual([]);
    expect(first.summary.done).toBe(IDS.length + 1);

    const lock = JSON.parse(await readFile(`${rig.file}.lock`, 'utf8'));
    for (const id of [...IDS, 'after']) expect(Object.hasOwn(lock.jobs, id), id).toBe(true);

    const submitted = rig.sim.stats().jobs.length;
    const second = ran((await rig.render()).outcome);
    expect(second.summary.cached).toBe(IDS.length + 1);
    expect(rig.sim.stats().jobs.length).toBe(submitted);
    for (const [id, n] of rig.submissionsByJob()) expect(n, id).toBe(1);
  });
});
