import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildGraph, dependentsClosure, hashAssets } from '../../src/graph.js';
import { jobId } from '../../src/model.js';
import { asset, create, extend, frame, graphOf, hashesFor, job, manifest, transition, upscale, video } from './builders.js';

const ids = (xs: { job: { id: string } }[]) => xs.map((n) => n.job.id);

describe('buildGraph', () => {
  it('orders every job after the jobs it uses, keeping manifest order among ready jobs', () => {
    const m = manifest([upscale('big', 'long'), extend('long', 'intro'), create('intro'), create('pour'), transition('bridge', ['intro', 'pour'])]);
    const graph = graphOf(m);
    expect(ids(graph.nodes)).toEqual(['intro', 'long', 'big', 'pour', 'bridge']);
    expect(graph.byId.get(jobId('bridge'))!.dependsOn).toEqual(['intro', 'pour']);
    expect(graph.byId.get(jobId('intro'))!.dependents).toEqual(['long', 'bridge']);
  });

  it('keeps independent jobs in manifest order', () => {
    const graph = graphOf(manifest(['c', 'a', 'b'].map((id) => create(id))));
    expect(ids(graph.nodes)).toEqual(['c', 'a', 'b']);
  });

  it('lists a job used twice (video and frame) once among its dependencies', () => {
    const twice = job('twice', 'frames', { prompt: 'x' }, { first_frame_path: frame('a', 'last'), last_frame_path: frame('a', 'first') });
    const graph = graphOf(manifest([create('a'), twice]));
    expect(graph.byId.get(jobId('twice'))!.dependsOn).toEqual(['a']);
    expect(graph.byId.get(jobId('a'))!.dependents).toEqual(['twice']);
  });

  it('reports a cycle with its path and one related location per edge', () => {
    const m = manifest([create('root'), extend('a', 'c'), extend('b', 'a'), extend('c', 'b'), upscale('below', 'c')]);
    const result = buildGraph(m, hashesFor(m));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toHaveLength(1);
    const [d] = result.error;
    expect(d!.code).toBe('cycle');
    expect(d!.message).toContain('a → c → b → a');
    expect(d!.location).toEqual(m.jobs[1]!.location);
    expect(d!.related!.map((r) => r.message)).toEqual(['a uses the output of c', 'c uses the output of b', 'b uses the output of a']);
    expect(d!.related!.map((r) => r.location)).toEqual([m.jobs[1]!.location, m.jobs[3]!.location, m.jobs[2]!.location]);
  });

  it('reports a job that uses itself, and each separate cycle', () => {
    const m = manifest([extend('self', 'self'), extend('x', 'y'), extend('y', 'x')]);
    const result = buildGraph(m, hashesFor(m));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((d) => [d.code, d.message.split(': ')[1]])).toEqual([
      ['cycle', 'self → self'],
      ['cycle', 'x → y → x'],
    ]);
  });

  it('reports unknown jobs (with a did-you-mean) from jobs and post steps, and unreadable assets', () => {
    const m = manifest([create('intro', {}, { first_frame_path: asset('hero') }), extend('long', 'intr')], {
      post: [{ kind: 'concat', inputs: [jobId('intro'), jobId('outro')], output: 'all.mp4', location: { file: '/project/teaser.yaml', range: { offset: 900, length: 6 } } }],
    });
    const result = buildGraph(m, new Map());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((d) => d.code).sort()).toEqual(['asset-unhashed', 'unknown-job', 'unknown-job']);
    const intr = result.error.find((d) => d.message.includes('"intr"'))!;
    expect(intr.hint).toBe('did you mean "intro"?');
    expect(intr.location).toEqual(m.jobs[1]!.location);
    expect(result.error.find((d) => d.message.includes('"outro"'))!.location!.range.offset).toBe(900);
  });

  it('reports a job id defined twice', () => {
    const m = manifest([create('a'), create('a')]);
    const result = buildGraph(m, hashesFor(m));
    expect(result.ok ? [] : result.error.map((d) => d.code)).toEqual(['duplicate-job']);
  });
});

describe('dependentsClosure', () => {
  it('returns the given jobs and everything below them, nothing else', () => {
    const graph = graphOf(manifest([create('a'), create('b'), extend('c', 'a'), upscale('d', 'c'), transition('e', ['b', 'd']), create('f')]));
    expect([...dependentsClosure(graph, [jobId('c')])].sort()).toEqual(['c', 'd', 'e']);
    expect([...dependentsClosure(graph, [jobId('b'), jobId('f')])].sort()).toEqual(['b', 'e', 'f']);
    expect(dependentsClosure(graph, [jobId('nope')]).size).toBe(0);
  });
});

describe('hashAssets', () => {
  it('streams each asset file once, relative to the manifest, and leaves out unreadable files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pixrender-graph-'));
    try {
      const content = Buffer.alloc(3 * 1024 * 1024, 7);
      await writeFile(join(dir, 'hero.png'), content);
      const m = manifest(
        [create('a', {}, { first_frame_path: asset('hero', './hero.png') }), create('b', {}, { first_frame_path: asset('hero', './hero.png'), last_frame_path: asset('gone', './gone.png') })],
        { file: join(dir, 'm.yaml') },
      );
      const hashes = await hashAssets(m);
      expect([...hashes]).toEqual([['./hero.png', createHash('sha256').update(content).digest('hex')]]);
      const result = buildGraph(m, hashes);
      expect(result.ok ? [] : result.error.map((d) => [d.code, d.message])).toEqual([
        ['asset-unhashed', 'job "b" input last_frame_path: cannot read asset gone (./gone.png)'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('graph inputs', () => {
  it('records video and frame references as edges', () => {
    const graph = graphOf(manifest([create('a'), job('v', 'lipsync', { prompt: 'hi' }, { video_id: video('a') })]));
    expect(graph.byId.get(jobId('v'))!.dependsOn).toEqual(['a']);
  });
});
