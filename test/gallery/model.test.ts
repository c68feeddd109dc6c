/**
 * The page model (src/gallery/model.ts) as a pure function: real plans from the planner over small
 * manifests, with locks, journal states and run events made up per case. No files are read by the model.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events.js';
import { renderCard } from '../../src/gallery/html.js';
import { anchorOf, buildPageModel, renderVersion, type Card, type GalleryInput, type PageModel, type Section } from '../../src/gallery/model.js';
import type { JobId, LockEntry, LockFile, Plan, PlannedJob, PostStep } from '../../src/model.js';
import { loadProject, planFor } from '../../src/pipeline.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-gallery-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EMPTY: LockFile = { version: 1, jobs: {} };
let counter = 0;
/** The post steps of the manifest planOf read last. */
let lastPost: PostStep[] = [];

/** The planner's plan for a manifest, against a lock; `present`: job ids whose output is on disk. */
async function planOf(yaml: string, lock: LockFile = EMPTY, present: readonly string[] = []): Promise<Plan> {
  const file = join(dir, `m${++counter}.yaml`);
  await writeFile(file, yaml);
  const loaded = await loadProject(file);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  lastPost = loaded.graph.manifest.post;
  return planFor(loaded, lock, new Set(present));
}

const SHA = 'ab'.repeat(32);
function entryFor(job: PlannedJob, over: Partial<LockEntry> = {}): LockEntry {
  return {
    fingerprint: job.fingerprint,
    kind: job.kind,
    endpoint: job.endpoint,
    params: job.job.params,
    videoId: `video-${job.id}`,
    url: `https://media.example/${job.id}.mp4`,
    output: `renders/t/${job.id}.mp4`,
    sha256: SHA,
    size: 1000,
    credits: job.credits.standard,
    offPeak: false,
    backend: 'sim',
    submittedAt: '2026-12-01T10:00:00.000Z',
    completedAt: '2026-12-01T10:01:00.000Z',
    ...over,
  };
}
const lockOf = (plan: Plan, over: (job: PlannedJob) => Partial<LockEntry> = () => ({})): LockFile => ({
  version: 1,
  jobs: Object.fromEntries(plan.jobs.map((j) => [j.id, entryFor(j, over(j))])),
});

function model(plan: Plan, over: Partial<GalleryInput> = {}): PageModel {
  return buildPageModel({
    plan,
    lock: EMPTY,
    pending: new Map(),
    failed: new Map(),
    present: new Set(),
    events: [],
    aside: [],
    post: [],
    posters: new Map(),
    manifestName: 't',
    manifestDir: dir,
    galleryDir: join(dir, 'renders', 't'),
    generatedAt: '2026-12-01T12:00:00.000Z',
    live: false,
    ...over,
  });
}
const card = (m: PageModel, id: string): Card => {
  const c = m.cards.get(id as JobId);
  if (!c) throw new Error(`no card ${id}; cards: ${[...m.cards.keys()].join(', ')}`);
  return c;
};
const ids = (plan: Plan) => plan.jobs.map((j) => String(j.id));

const LINEAGE = `version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  intro:
    prompt: A lighthouse at dusk
    then:
      - extend: { prompt: The camera rises }
      - upscale: {}
  pour:
    prompt: Coffee pouring
  bridge:
    transition: [intro, pour]
  anime:
    restyle: pour
    style: anime
  spokesperson:
    lipsync:
      video: pour
      text: Good morning
      voice: Emma
`;

describe('lineage', () => {
  it('links each job to what it extends, upscales, restyles, lipsyncs and transitions through, and back', async () => {
    const m = model(await planOf(LINEAGE));
    const rel = (id: string) => card(m, id).lineage.map((l) => [l.relation, l.target, l.anchor]);
    expect(rel('intro')).toEqual([]);
    expect(rel('intro.1')).toEqual([['extends', 'intro', 'job-intro']]);
    expect(rel('intro.2')).toEqual([['upscales', 'intro.1', anchorOf('intro.1')]]);
    expect(rel('anime')).toEqual([['restyles', 'pour', 'job-pour']]);
    expect(rel('spokesperson')).toEqual([['lipsyncs', 'pour', 'job-pour']]);
    // `intro` as an input means the end of its chain: the transition starts from the upscale's last frame.
    expect(rel('bridge')).toEqual([
      ['last frame from', 'intro.2', anchorOf('intro.2')],
      ['first frame from', 'pour', 'job-pour'],
    ]);
    const usedBy = (id: string) => card(m, id).usedBy.map((l) => l.target).sort();
    expect(usedBy('pour')).toEqual(['anime', 'bridge', 'spokesperson']);
    expect(usedBy('intro')).toEqual(['intro.1']);
    expect(usedBy('intro.2')).toEqual(['bridge']);
    // Every link points at a card that exists under that anchor.
    for (const c of m.cards.values()) for (const l of [...c.lineage, ...c.usedBy]) expect(card(m, l.target).anchor).toBe(l.anchor);
  });

  it('gives every job id its own anchor, even ids that differ only in escaped characters', () => {
    const tricky = ['a.b', 'a_2e_b', 'looks[look=clay,seed=1]', 'looks[look=clay,seed=11]', 'a b', 'a-b'];
    const anchors = tricky.map(anchorOf);
    expect(new Set(anchors).size).toBe(tricky.length);
    for (const a of anchors) expect(a).toMatch(/^job-[A-Za-z0-9_-]+$/);
  });
});

describe('sections', () => {
  it('puts matrix cells in a grid: the last axis across, the other axes combined down', async () => {
    const plan = await planOf(`version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  solo:
    prompt: Alone
  looks:
    prompt: A cup, \${look} look, \${light} light
    matrix:
      look: [clay, ink]
      light: [dawn, noon]
      seed: [1, 2, 3]
`);
    const m = model(plan);
    const grid = m.sections.find((s): s is Extract<Section, { kind: 'matrix' }> => s.kind === 'matrix')!;
    expect(grid.name).toBe('looks');
    expect(grid.rowAxes).toEqual(['look', 'light']);
    expect(grid.colAxis).toBe('seed');
    expect(grid.cols).toEqual(['1', '2', '3']);
    expect(grid.rows.map((r) => r.label)).toEqual(['look=clay, light=dawn', 'look=clay, light=noon', 'look=ink, light=dawn', 'look=ink, light=noon']);
    // Each cell holds the job with exactly that row's and column's values.
    for (const row of grid.rows)
      row.cells.forEach((id, col) => {
        const values = card(m, id!).matrix!;
        expect(`look=${values['look']}, light=${values['light']}`).toBe(row.label);
        expect(String(values['seed'])).toBe(grid.cols[col]);
      });
    expect(new Set(grid.rows.flatMap((r) => r.cells)).size).toBe(12);
    expect(m.sections.filter((s) => s.kind === 'single')).toEqual([{ kind: 'single', card: 'solo' }]);
  });

  it('shows `then:` steps in order (numerically, past nine), and sections in manifest order', async () => {
    const steps = Array.from({ length: 11 }, (_, i) => `      - extend: { prompt: Step ${i + 1} }`).join('\n');
    const plan = await planOf(`version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  last:
    prompt: Written first, depends on the chain
    image: long.11
  long:
    prompt: The start
    then:
${steps}
  other:
    prompt: Written last
`);
    const m = model(plan);
    expect(m.sections.map((s) => (s.kind === 'single' ? s.card : s.name))).toEqual(['last', 'long', 'other']);
    const chain = m.sections.find((s) => s.kind === 'chain')!;
    expect(chain).toEqual({ kind: 'chain', name: 'long', steps: ['long', ...Array.from({ length: 11 }, (_, i) => `long.${i + 1}`)] });
    // The plan itself runs in dependency order, which is not the page's order.
    expect(ids(plan).indexOf('last')).toBeGreaterThan(ids(plan).indexOf('long.11'));
  });
});

const STATES = `version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  a:
    prompt: First
  b:
    prompt: Second
  c:
    prompt: Third
  d:
    prompt: Fourth
`;

describe('states', () => {
  it('cached, stale with the reason, missing output, and never rendered', async () => {
    const first = await planOf(STATES);
    const lock = lockOf(first);
    delete lock.jobs['c'];
    const changed = STATES.replace('prompt: Second', 'prompt: Second, now at night');
    const plan = await planOf(changed, lock, ['a', 'b']);
    const m = model(plan, { lock, present: new Set(['a', 'b']) });
    expect(card(m, 'a').state).toEqual({ kind: 'cached' });
    expect(card(m, 'b').state).toEqual({ kind: 'stale', reason: 'prompt changed' });
    expect(card(m, 'c').state).toEqual({ kind: 'not-rendered', reason: 'no lock entry' });
    expect(card(m, 'd').state).toEqual({ kind: 'missing' });
    // The stale job still shows its last clip; the missing one has none to show.
    expect(card(m, 'b').clip?.src).toBe(`b.mp4?v=${renderVersion(lock.jobs['b']!)}`);
    expect(card(m, 'd').clip).toBeUndefined();
    expect(card(m, 'c').charged).toBeUndefined();
  });

  it("failed with the API's message, only while the job is unchanged since it failed", async () => {
    const plan = await planOf(STATES);
    const fp = (id: string) => plan.jobs.find((j) => j.id === id)!.fingerprint;
    const failed = new Map([
      ['a', { fingerprint: fp('a'), reason: 'moderated: Your prompt was rejected by content moderation' }],
      ['b', { fingerprint: 'f'.repeat(64), reason: 'an older version failed' }],
    ]);
    const m = model(plan, { failed });
    expect(card(m, 'a').state).toEqual({ kind: 'failed', message: 'moderated: Your prompt was rejected by content moderation' });
    expect(card(m, 'b').state.kind).toBe('not-rendered');
    expect(renderCard(card(m, 'a'))).toContain('failed: moderated: Your prompt was rejected by content moderation');
  });

  it('pending with its video id; live events override the journal; events before the latest run-start are history', async () => {
    const plan = await planOf(STATES);
    const at = '2026-12-01T12:00:00.000Z';
    const job = (id: string, state: Extract<RunEvent, { type: 'job' }>['state'], message?: string): RunEvent => ({ type: 'job', at, id: id as JobId, state, ...(message ? { message } : {}) });
    const start: RunEvent = { type: 'run-start', at, backend: 'sim', jobs: 4, toRender: 4, credits: 80, slots: 2 };
    const events: RunEvent[] = [start, job('a', 'failed', 'old failure'), job('c', 'rendering'), start, job('b', 'rendering'), job('c', 'failed', 'server: 500'), job('d', 'downloading')];
    const m = model(plan, { pending: new Map([['a', { videoId: 'v-123' }]]), events });
    expect(card(m, 'a').state).toEqual({ kind: 'pending', videoId: 'v-123' });
    expect(card(m, 'b').state).toEqual({ kind: 'rendering', step: 'rendering' });
    expect(card(m, 'c').state).toEqual({ kind: 'failed', message: 'server: 500' });
    expect(card(m, 'd').state).toEqual({ kind: 'rendering', step: 'downloading' });
    expect(renderCard(card(m, 'a'))).toContain('pending (v-123): submitted, still rendering');
  });
});

describe('cost panel', () => {
  it('totals what the lock charged, by model and by kind, and what off-peak saved', async () => {
    const plan0 = await planOf(LINEAGE.replace('  pour:\n    prompt: Coffee pouring', '  pour:\n    prompt: Coffee pouring\n    model: v4'));
    const lock = lockOf(plan0, (j) => (j.id === 'pour' ? { offPeak: true, credits: Math.round(j.credits.standard / 2) } : j.id === 'anime' ? { backend: 'useapi' } : {}));
    const all = ids(plan0);
    const plan = await planOf(LINEAGE.replace('  pour:\n    prompt: Coffee pouring', '  pour:\n    prompt: Coffee pouring\n    model: v4'), lock, all);
    expect(plan.jobs.every((j) => j.action === 'cached')).toBe(true);
    const m = model(plan, { lock, present: new Set(all) });
    const entries = Object.values(lock.jobs);
    const sum = (xs: LockEntry[]) => xs.reduce((a, e) => a + e.credits, 0);
    expect(m.cost.charged).toBe(sum(entries));
    expect(m.cost.simulated).toBe(sum(entries.filter((e) => e.backend === 'sim')));
    expect(m.cost.simulated).toBeLessThan(m.cost.charged);
    expect(m.cost.toSpend).toBe(0);
    const pour = plan.jobs.find((j) => j.id === 'pour')!;
    expect(m.cost.offPeakSaved).toBe(pour.credits.standard - lock.jobs['pour']!.credits);
    expect(m.cost.offPeakSaved).toBeGreaterThan(0);
    // By kind: each lock entry counted once under its kind, largest first.
    const byKind = new Map<string, number>();
    for (const e of entries) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + e.credits);
    expect(Object.fromEntries(m.cost.byKind.map((r) => [r.name, r.credits]))).toEqual(Object.fromEntries(byKind));
    expect(m.cost.byKind.map((r) => r.credits)).toEqual([...m.cost.byKind.map((r) => r.credits)].sort((a, b) => b - a));
    expect(m.cost.byModel.reduce((a, r) => a + r.credits, 0)).toBe(m.cost.charged);
    const v4 = entries.filter((e) => e.params['model'] === 'v4');
    expect(v4.length).toBeGreaterThan(0);
    expect(m.cost.byModel.find((r) => r.name === 'v4')?.credits).toBe(sum(v4));
    expect(card(m, 'pour')).toMatchObject({ offPeak: true, charged: lock.jobs['pour']!.credits, planned: pour.credits.standard });
  });

  it('counts what a stale job would still spend', async () => {
    const plan0 = await planOf(STATES);
    const lock = lockOf(plan0);
    const plan = await planOf(STATES.replace('prompt: First', 'prompt: First, changed'), lock, ids(plan0));
    const m = model(plan, { lock, present: new Set(ids(plan0)) });
    expect(m.cost.toSpend).toBe(plan.jobs.find((j) => j.id === 'a')!.credits.standard);
    expect(m.cost.toSpend).toBeGreaterThan(0);
  });
});

describe('clips, backends and compare pairs', () => {
  it('marks simulator renders, and not real ones', async () => {
    const plan0 = await planOf(STATES);
    const lock = lockOf(plan0, (j) => (j.id === 'b' ? { backend: 'useapi' } : {}));
    const plan = await planOf(STATES, lock, ids(plan0));
    const m = model(plan, { lock, present: new Set(ids(plan0)) });
    expect(card(m, 'a').backend).toBe('sim');
    expect(card(m, 'b').backend).toBe('useapi');
    expect(renderCard(card(m, 'a'))).toMatch(/class="sim"[^>]*>SIMULATOR</);
    expect(renderCard(card(m, 'a'))).toContain('<dt>backend</dt><dd>simulator</dd>');
    expect(renderCard(card(m, 'b'))).not.toContain('SIMULATOR');
    expect(renderCard(card(m, 'b'))).toContain('<dt>backend</dt><dd>PixVerse API</dd>');
  });

  it('versions a clip by its render: a new request with byte-identical media gets a new URL', async () => {
    const plan = await planOf(STATES);
    const [a, b] = [plan.jobs[0]!, plan.jobs[1]!];
    expect(renderVersion(entryFor(a))).not.toBe(renderVersion(entryFor(b)));
    expect(renderVersion(entryFor(a))).not.toBe(renderVersion(entryFor(a, { sha256: 'cd'.repeat(32) })));
    expect(renderVersion(entryFor(a))).toMatch(/^[0-9a-f]{12}$/);
  });

  it('pairs the current render with the one kept aside, and matrix cells that differ only by seed', async () => {
    const yaml = `version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  hero:
    prompt: A hero shot
  looks:
    prompt: A cup, \${look} look
    matrix:
      look: [clay, ink]
      seed: [1, 2]
`;
    const plan0 = await planOf(yaml);
    const lock = lockOf(plan0);
    const all = ids(plan0);
    const plan = await planOf(yaml, lock, all);
    const aside = [{ job: 'hero', fingerprint: '0123456789ab', file: '.pixrender/aside/hero@0123456789ab.mp4' }];
    const posters = new Map([[lock.jobs['hero']!.output, 'renders/t/gallery-posters/hero.jpg']]);
    const m = model(plan, { lock, present: new Set(all), aside, posters });
    expect(m.compares.map((p) => [p.left.job, p.right.job])).toEqual([
      ['hero', 'hero'],
      ['looks[look=clay,seed=1]', 'looks[look=clay,seed=2]'],
      ['looks[look=ink,seed=1]', 'looks[look=ink,seed=2]'],
    ]);
    const hero = card(m, 'hero');
    // Links are relative to the gallery folder, so the folder can be moved or served as it is.
    expect(hero.clip).toMatchObject({ src: `hero.mp4?v=${renderVersion(lock.jobs['hero']!)}`, poster: `gallery-posters/hero.jpg?v=${renderVersion(lock.jobs['hero']!)}` });
    expect(hero.aside).toEqual([expect.objectContaining({ src: '../../.pixrender/aside/hero%400123456789ab.mp4?v=0123456789ab', version: '0123456789ab' })]);
  });

  it('escapes manifest text in the card', async () => {
    const plan = await planOf(STATES.replace('prompt: First', `prompt: "<script>alert('x')</script> & more"`));
    const html = renderCard(card(model(plan), 'a'));
    expect(html).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more');
    expect(html).not.toContain('<script>');
  });
});

describe('post steps', () => {
  it('shows each post output with the jobs it is made of, or that it is not made yet', async () => {
    const plan = await planOf(`version: 1
name: t
defaults: { quality: 360p, duration: 5 }
jobs:
  a:
    prompt: First
  b:
    prompt: Second
post:
  - concat: [a, b]
    output: teaser.mp4
  - contactSheet: all
output:
  dir: renders/t
`);
    expect(lastPost.map((p) => p.kind)).toEqual(['concat', 'contactSheet']);
    const m = model(plan, { post: [{ step: lastPost[0]!, version: '1f-abc' }, { step: lastPost[1]! }] });
    const [teaser, sheet] = m.post;
    expect(teaser).toEqual({
      kind: 'concat',
      name: 'teaser.mp4',
      inputs: [
        { relation: 'joins', target: 'a', anchor: 'job-a' },
        { relation: 'joins', target: 'b', anchor: 'job-b' },
      ],
      media: { type: 'video', src: 'teaser.mp4?v=1f-abc', label: 'teaser.mp4: 2 clips joined (a, b)', version: '1f-abc' },
    });
    expect(sheet!.kind).toBe('contactSheet');
    expect(sheet!.inputs.map((l) => l.target)).toEqual(['a', 'b']);
    expect(sheet!.media).toBeUndefined();
    const sheetMade = model(plan, { post: [{ step: lastPost[1]!, version: '2' }] }).post[0]!;
    expect(sheetMade.media).toMatchObject({ type: 'image', label: 'contact sheet of 2 clips (a, b)' });
  });
});
