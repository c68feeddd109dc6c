/**
 * Two manifests writing into one output folder: each output file belongs to the manifest that claimed it
 * first (a claims file in that folder), so a second manifest with the same file names is refused before
 * it submits or downloads anything, naming the owner; different names share the folder safely.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGraph, planManifest } from '../../src/plan-inputs.js';
import { runManifest } from '../../src/pipeline.js';
import { claimOutputs, CLAIMS_FILE } from '../../src/state/output-claim.js';
import { FAST_TUNING, makeRig, manifest, ran, type Rig } from '../render/helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sha = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

/** Renders another manifest in the rig's folder against the rig's simulator. */
function renderOther(r: Rig, file: string) {
  return runManifest(file, { mode: 'render', backend: 'useapi', apiUrl: r.sim.url, env: { USEAPI_TOKEN: r.sim.token }, simTimeScale: 0.005, tuning: FAST_TUNING });
}

async function lockOf(file: string): Promise<Record<string, { output: string; sha256: string }>> {
  return JSON.parse(await readFile(`${file}.lock`, 'utf8')).jobs;
}

describe('two manifests, one output folder', () => {
  it('the same file name: the second manifest is refused before it submits, naming the first; the first keeps its render', async () => {
    rig = await makeRig({}, 'a.yaml');
    await rig.write(manifest('  shot:\n    prompt: the first manifest\n'));
    ran((await rig.render()).outcome);
    const a = await lockOf(rig.file);
    const shared = join(rig.dir, a.shot!.output);
    const before = await sha(shared);

    const other = join(rig.dir, 'b.yaml');
    await writeFile(other, manifest('  shot:\n    prompt: the second manifest\n  own:\n    prompt: a name of its own\n'));
    const refused = await renderOther(rig, other);
    expect(refused.kind).toBe('invalid');
    if (refused.kind !== 'invalid') return;
    expect(refused.diagnostics.map((d) => [d.code, d.severity])).toEqual([['output-claimed', 'error']]);
    const d = refused.diagnostics[0]!;
    expect(d.message).toContain(a.shot!.output);
    expect(d.message).toContain(rig.file);
    expect(d.location?.file).toBe(other);
    expect(rig.sim.stats().jobs, 'nothing of b.yaml was submitted').toHaveLength(1);
    // plan says so beforehand, as a warning, and claims nothing.
    const planned = await planManifest(other, { backend: 'useapi' });
    expect(planned.diagnostics.map((w) => [w.code, w.severity])).toEqual([['output-claimed', 'warning']]);
    expect(await sha(shared)).toBe(before);

    // And the first manifest still finds its render whole.
    const again = ran((await rig.render()).outcome);
    expect(again.summary.cached).toBe(1);
  });

  it('different file names share the folder: both render, neither overwrites the other', async () => {
    rig = await makeRig({}, 'a.yaml');
    await rig.write(manifest('  one:\n    prompt: the first manifest\n'));
    const other = join(rig.dir, 'b.yaml');
    await writeFile(other, manifest('  two:\n    prompt: the second manifest\n'));
    ran((await rig.render()).outcome);
    ran(await renderOther(rig, other));
    expect(ran((await rig.render()).outcome).summary.cached).toBe(1);
    expect(ran(await renderOther(rig, other)).summary.cached).toBe(1);
    const claims = JSON.parse(await readFile(join(rig.dir, 'renders', 'test', CLAIMS_FILE), 'utf8'));
    expect(claims.files).toEqual({ 'one.mp4': '../../a.yaml', 'two.mp4': '../../b.yaml' });
    expect(rig.sim.stats().jobs).toHaveLength(2);
  });

  it('a claim is released when its manifest drops the output or is deleted', async () => {
    rig = await makeRig({}, 'a.yaml');
    await rig.write(manifest('  shot:\n    prompt: first\n'));
    ran((await rig.render()).outcome);
    const other = join(rig.dir, 'b.yaml');
    await writeFile(other, manifest('  shot:\n    prompt: second\n'));
    expect((await renderOther(rig, other)).kind).toBe('invalid');

    // a.yaml renames its job: its next run gives shot.mp4 up.
    await rig.write(manifest('  renamed:\n    prompt: first\n'));
    ran((await rig.render()).outcome);
    ran(await renderOther(rig, other));

    // b.yaml is deleted: its claims no longer hold.
    await rm(other);
    await rig.write(manifest('  shot:\n    prompt: first again\n'));
    ran((await rig.render()).outcome);
  });

  it('a download or atomic-write temp file left by a killed run is removed for its own names only', async () => {
    rig = await makeRig({}, 'a.yaml');
    await rig.write(manifest('  shot:\n    prompt: first\n'));
    const folder = join(rig.dir, 'renders', 'test');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, '.shot.mp4.0123456789ab.part'), 'half a download');
    await writeFile(join(folder, '.shot.mp4.0123456789ab.tmp.mp4'), 'half a post step');
    await writeFile(join(folder, '.other.mp4.0123456789ab.part'), 'someone else’s');
    ran((await rig.render()).outcome);
    expect((await readdir(folder)).sort()).toEqual(['.other.mp4.0123456789ab.part', CLAIMS_FILE, 'shot.mp4']);
  });

  it('two manifests claiming the same name at the same moment: exactly one wins', async () => {
    rig = await makeRig({}, 'a.yaml');
    await rig.write(manifest('  shot:\n    prompt: first\n'));
    const other = join(rig.dir, 'b.yaml');
    await writeFile(other, manifest('  shot:\n    prompt: second\n'));
    const [a, b] = await Promise.all([loadGraph(rig.file), loadGraph(other)]);
    if (!a.ok || !b.ok) throw new Error('manifests should load');
    for (let round = 0; round < 5; round++) {
      await rm(join(rig.dir, 'renders'), { recursive: true, force: true });
      const results = await Promise.all([claimOutputs(a.graph.manifest), claimOutputs(b.graph.manifest)]);
      expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
    }
  });
});
