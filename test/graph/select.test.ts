/** --only / --exclude over the job graph of a real example (src/select.ts through loadGraph). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGraph } from '../../src/plan-inputs.js';
import { matcher } from '../../src/select.js';

const matrix = fileURLToPath(new URL('../../examples/matrix.yaml', import.meta.url));
const chain = fileURLToPath(new URL('../../examples/then-chain.yaml', import.meta.url));

async function ids(file: string, only: string[], exclude: string[] = []) {
  const loaded = await loadGraph(file, { select: { only, exclude } });
  if (!loaded.ok) return { error: loaded.diagnostics.filter((d) => d.severity === 'error') };
  return { ids: loaded.graph.nodes.map((n) => n.job.id), selection: loaded.selection, jobs: loaded.graph.manifest.jobs.map((j) => j.id) };
}

describe('patterns', () => {
  it('cell patterns match values in any key order; * among the cells allows other keys', () => {
    const id = 'hero[aspect=9:16,style=noir]';
    expect(matcher('hero[*]')(id)).toBe(true);
    expect(matcher('hero[aspect=9:16,*]')(id)).toBe(true);
    expect(matcher('hero[style=noir,*]')(id)).toBe(true);
    expect(matcher('hero[style=no*,aspect=9:16]')(id)).toBe(true);
    expect(matcher('hero[aspect=9:16]')(id)).toBe(false);
    expect(matcher('hero[aspect=16:9,*]')(id)).toBe(false);
    expect(matcher('her[*]')(id)).toBe(false);
    expect(matcher('hero[*]')(`${id}.1`)).toBe(false);
    expect(matcher('hero[*].1')(`${id}.1`)).toBe(true);
    expect(matcher('hero*')('hero-night')).toBe(true);
    expect(matcher('hero')('hero-night')).toBe(false);
  });
});

describe('selectJobs', () => {
  it('--only a cell glob keeps those cells; a job they need comes along and is named', async () => {
    const r = await ids(matrix, ['variants[look=clay,*]']);
    expect(r.ids).toEqual(['variants[look=clay,seed=1]', 'variants[look=clay,seed=2]']);
    const up = await ids(matrix, ['clay-closeup']);
    expect(up.ids).toContain('clay-closeup');
    expect(up.selection?.chosen).toEqual(['clay-closeup']);
    expect(up.selection?.upstream.length).toBeGreaterThan(0);
    expect(up.ids).toEqual(expect.arrayContaining(up.selection!.upstream));
    expect(up.jobs).toEqual(up.ids);
  });

  it('repeated --only add up; --exclude takes out, but what a chosen job needs still comes along', async () => {
    const both = await ids(matrix, ['variants[look=anime,*]', 'sizes[quality=540p,*]']);
    expect(both.ids).toHaveLength(4);
    const ex = await ids(matrix, [], ['sizes[*]']);
    expect(ex.ids).toHaveLength(7);
    expect(ex.ids!.some((id) => id.startsWith('sizes['))).toBe(false);
    const needed = await ids(chain, ['intro.3'], ['intro']);
    expect(needed.selection?.chosen).toEqual(['intro.3']);
    expect(needed.ids).toEqual(['intro', 'intro.1', 'intro.2', 'intro.3']);
    expect(needed.selection?.upstream).toEqual(['intro', 'intro.1', 'intro.2']);
  });

  it('a pattern that matches nothing is an error with a suggestion', async () => {
    const r = await ids(matrix, ['clay-closup']);
    expect(r.error?.[0]?.code).toBe('selection-matches-nothing');
    expect(r.error?.[0]?.hint).toContain('clay-closeup');
  });
});
