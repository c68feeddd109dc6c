/** `plan` and `graph` run in-process on real temp manifests, with stdout and stderr captured. */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { command as graphCommand } from '../../src/commands/graph.js';
import { command as planCommand } from '../../src/commands/plan.js';
import { loadGraph } from '../../src/plan-inputs.js';

const MANIFEST = (introPrompt = 'Slow dolly-in on ${product}') => `version: 1
name: teaser
defaults:
  model: v4.5
  quality: 540p
  duration: 5
  seed: 1207
  offPeak: never
budget:
  credits: 1000
vars:
  product: an espresso machine
assets:
  hero: ./images/hero.png
jobs:
  intro:
    image: hero
    prompt: ${introPrompt}
    then:
      - upscale: {}
  pour:
    prompt: Espresso pouring into a cup
    duration: 8
    offPeak: always
  bridge:
    transition: [intro, pour]
output:
  dir: renders
  file: "{job}.mp4"
`;

let dir = '';
let out = '';
let errText = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-plan-cli-'));
  await mkdir(join(dir, 'images'));
  await writeFile(join(dir, 'images', 'hero.png'), 'hero image');
  out = '';
  errText = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((errText += String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const manifestFile = () => join(dir, 'teaser.yaml');
async function planJson(...flags: string[]) {
  out = '';
  const code = await planCommand.run([manifestFile(), '--json', ...flags]);
  return { code, json: out ? JSON.parse(out) : undefined };
}

describe('pixrender plan', () => {
  it('prints every job with its action, credits and mode as JSON', async () => {
    await writeFile(manifestFile(), MANIFEST());
    const { code, json } = await planJson();
    expect(code).toBe(0);
    expect(json.jobs.map((j: any) => [j.id, j.kind, j.action, j.credits, j.creditsStandard, j.creditsOffPeak, j.offPeak, j.dependsOn])).toEqual([
      // No token: no account factors to read, so off-peak is planned without a discount.
      ['intro', 'create', 'render', 30, 30, 30, false, []],
      ['intro.1', 'upscale', 'render', 30, 30, null, false, ['intro']],
      ['pour', 'create', 'render', 60, 60, 60, true, []],
      ['bridge', 'transition', 'render', 30, 30, 30, false, ['intro.1', 'pour']],
    ]);
    expect(Object.keys(json.jobs[0]).sort()).toEqual(
      ['action', 'credits', 'creditsOffPeak', 'creditsStandard', 'dependsOn', 'duration', 'endpoint', 'fingerprint', 'id', 'inFlight', 'kind', 'model', 'offPeak', 'quality', 'reason'].sort(),
    );
    expect(json.jobs[0]).toMatchObject({ endpoint: 'videos/create', model: 'v4.5', quality: '540p', duration: 5, reason: 'no lock entry' });
    expect(json.jobs[0].fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(json.totals).toEqual({ credits: 150, creditsStandard: 150, jobs: 4, render: 4, inFlight: 0, creditsCommitted: 0, cached: 0, download: 0 });
    expect([json.budget, json.overBudget]).toEqual([1000, false]);
  });

  it('reads the lock: cached, download, and stale with the reason down the chain', async () => {
    await writeFile(manifestFile(), MANIFEST());
    const loaded = await loadGraph(manifestFile());
    if (!loaded.ok) throw new Error('manifest should load');
    const jobs: Record<string, unknown> = {};
    for (const { job: j, fingerprint } of loaded.graph.nodes) {
      const output = `renders/${j.id}.mp4`;
      expect(j.output.replace(/\\/g, '/')).toBe(output);
      jobs[j.id] = {
        fingerprint, kind: j.kind, endpoint: j.endpoint, params: j.params,
        videoId: `v-${j.id}`, url: `https://media.example/${j.id}.mp4`, output, sha256: createHash('sha256').update('12345').digest('hex'), size: 5,
        credits: 30, offPeak: false, submittedAt: '2026-01-01T00:00:00Z', completedAt: '2026-01-01T00:02:00Z',
      };
      if (j.id !== 'pour') {
        await mkdir(dirname(join(dir, output)), { recursive: true });
        await writeFile(join(dir, output), '12345');
      }
    }
    await writeFile(`${manifestFile()}.lock`, JSON.stringify({ version: 1, jobs }, null, 2));
    const same = (await planJson()).json;
    expect(same.jobs.map((j: any) => [j.id, j.action, j.credits])).toEqual([
      ['intro', 'cached', 0],
      ['intro.1', 'cached', 0],
      ['pour', 'download', 0],
      ['bridge', 'cached', 0],
    ]);
    expect(same.totals).toMatchObject({ credits: 0, render: 0, cached: 3, download: 1 });

    await writeFile(manifestFile(), MANIFEST('Fast pan across ${product}'));
    const changed = (await planJson()).json;
    expect(changed.jobs.map((j: any) => [j.id, j.action, j.reason])).toEqual([
      ['intro', 'stale', 'prompt changed'],
      ['intro.1', 'stale', 'upstream intro changed'],
      ['pour', 'download', 'output file missing'],
      ['bridge', 'stale', 'upstream intro.1 changed'],
    ]);
    expect(changed.totals.credits).toBe(90);
  });

  it('exits 3 over budget, saying why', async () => {
    await writeFile(manifestFile(), MANIFEST());
    const { code, json } = await planJson('--budget', '100');
    expect([code, json.overBudget, json.budget]).toEqual([3, true, 100]);
    expect(errText).toContain('over budget: 150 credits needed, budget 100');
    out = '';
    expect(await planCommand.run([manifestFile(), '--budget', '100'])).toBe(3);
    expect(out).toContain('OVER BUDGET: this plan needs 150 credits, the budget is 100 (50 over)');
  });

  it('prices off-peak with the given discount', async () => {
    await writeFile(manifestFile(), MANIFEST());
    const { json } = await planJson('--offpeak-discount', '0.7');
    expect(json.jobs.find((j: any) => j.id === 'pour')).toMatchObject({ creditsOffPeak: 42, credits: 42 });
  });

  it('exits 2 with diagnostics pointing into the YAML for an invalid manifest, and on bad flags', async () => {
    await writeFile(manifestFile(), MANIFEST().replace('transition: [intro, pour]', 'transition: [intro, puor]'));
    expect(await planCommand.run([manifestFile()])).toBe(2);
    expect(out).toBe('');
    expect(errText).toMatch(/teaser\.yaml:\d+:\d+ error\[[a-z-]+\] .*puor/);
    expect(await planCommand.run([manifestFile(), '--offpeak-discount', '2'])).toBe(2);
    expect(await planCommand.run([])).toBe(2);
  });
});

describe('pixrender graph', () => {
  it('prints json, mermaid and dot', async () => {
    await writeFile(manifestFile(), MANIFEST());
    expect(await graphCommand.run([manifestFile(), '--format', 'json'])).toBe(0);
    const view = JSON.parse(out);
    expect(view.nodes.map((n: any) => n.id)).toEqual(['intro', 'intro.1', 'pour', 'bridge']);
    expect(view.edges).toContainEqual({ from: 'intro.1', to: 'bridge', label: 'last frame' });
    out = '';
    expect(await graphCommand.run([manifestFile()])).toBe(0);
    expect(out.startsWith('flowchart LR\n')).toBe(true);
    out = '';
    expect(await graphCommand.run([manifestFile(), '--format', 'dot'])).toBe(0);
    expect(out).toContain('"intro" -> "intro.1" [label="video"];');
    expect(await graphCommand.run([manifestFile(), '--format', 'png'])).toBe(2);
  });
});
