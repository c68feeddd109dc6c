/**
 * Big manifests: thousands of jobs must give the same diagnostics, at the same places, as small ones
 * (duplicate keys deep inside, many bad references, many schema errors of one kind or of several).
 */
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostic.js';
import { load } from './helpers.js';

const FILES = { '/proj/a.png': 'png', '/proj/b.png': 'png' };

/** A manifest of `groups` × 6 jobs of several kinds, as lines (so tests can insert at known lines). */
function manifestLines(groups: number): string[] {
  const lines = ['version: 1', 'name: big', 'vars:', '  subject: a lighthouse', 'assets:', '  a: ./a.png', '  b: ./b.png', 'jobs:'];
  for (let i = 0; i < groups; i++) {
    lines.push(
      `  shot${i}:`,
      '    image: a',
      `    prompt: \${subject} at dusk, take ${i}`,
      '    then:',
      `      - extend: { prompt: "the beam sweeps, take ${i}" }`,
      `  pair${i}:`,
      '    frames: { first: a, last: b }',
      `    prompt: morph ${i}`,
      `  bridge${i}:`,
      `    transition: [shot${i}, pair${i}]`,
      `  talk${i}:`,
      '    lipsync:',
      `      video: shot${i}`,
      `      text: Hello number ${i}`,
      '      voice: Emma',
      `  up${i}:`,
      `    upscale: pair${i}`,
      `  grid${i}:`,
      `    prompt: a turntable, group ${i}`,
      '    matrix:',
      '      look: [clay, anime]',
    );
  }
  return lines;
}

const text = (lines: string[]): string => `${lines.join('\n')}\n`;

/** `code line:col` of every diagnostic. */
async function placed(lines: string[]): Promise<string[]> {
  const source = text(lines);
  const index = new LineIndex(source);
  const r = await load(source, FILES);
  return r.diagnostics.map((d) => {
    const { line, col } = index.position(d.location!.range.offset);
    return `${d.code} ${line}:${col}`;
  });
}

describe('a manifest with 3,000 jobs', () => {
  const GROUPS = 500;

  it('validates, with every job resolved', async () => {
    const r = await load(text(manifestLines(GROUPS)), FILES);
    expect(r.diagnostics).toEqual([]);
    // shot + its step, pair, bridge, talk, up, two grid cells.
    expect(r.manifest!.jobs).toHaveLength(GROUPS * 8);
  });

  it('reports a duplicate key deep inside at the second occurrence, and nothing else', async () => {
    const lines = manifestLines(GROUPS);
    const voice = lines.lastIndexOf('      voice: Emma', lines.indexOf('  talk412:') + 5);
    lines.splice(voice + 1, 0, '      voice: Oliver');
    const source = text(lines);
    const r = await load(source, FILES);
    expect(r.manifest).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', code: 'duplicate-key', message: 'duplicate key "voice"', hint: 'each key may appear once in a mapping' });
    expect(await placed(lines)).toEqual([`duplicate-key ${voice + 2}:7`]);
  });

  it('reports duplicate job names, duplicate keys in flow maps and in then-steps, in file order', async () => {
    const lines = manifestLines(GROUPS);
    const step = lines.indexOf('      - extend: { prompt: "the beam sweeps, take 321" }');
    lines[step] = '      - extend: { prompt: "the beam sweeps, take 321", prompt: again }';
    const frames = lines.indexOf('    frames: { first: a, last: b }', lines.indexOf('  pair498:'));
    lines[frames] = '    frames: { first: a, last: b, first: b }';
    lines.push('  up7:', '    upscale: pair7');
    expect(await placed(lines)).toEqual([
      `duplicate-key ${step + 1}:${lines[step]!.lastIndexOf('prompt') + 1}`,
      `duplicate-key ${frames + 1}:${lines[frames]!.lastIndexOf('first') + 1}`,
      `duplicate-key ${lines.length - 1}:3`,
    ]);
  });

  it('suggests the closest of all job names for every bad reference', async () => {
    const lines = manifestLines(GROUPS).map((l) => l.replace(/^ {4}upscale: pair(\d+)$/, '    upscale: piar$1'));
    const r = await load(text(lines), FILES);
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-job');
    expect(unknown).toHaveLength(GROUPS);
    expect(unknown[123]).toMatchObject({ message: 'unknown job "piar123"', hint: 'did you mean "pair123"?' });
    expect(unknown.at(-1)).toMatchObject({ message: `unknown job "piar${GROUPS - 1}"`, hint: `did you mean "pair${GROUPS - 1}"?` });
  });

  it('lists the first jobs, and how many more, when a reference is like none of them', async () => {
    const lines = manifestLines(GROUPS);
    const up = lines.indexOf('    upscale: pair250');
    lines[up] = '    upscale: qqqqqqqqqqqqqqqqqqqq';
    const r = await load(text(lines), FILES);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toBe('unknown job "qqqqqqqqqqqqqqqqqqqq"');
    expect(r.diagnostics[0]!.hint).toMatch(/^jobs: shot0, pair0, bridge0, talk0, up0, grid0, shot1, /);
    // One short line however many jobs there are: 12 names, then the count of the rest.
    expect(r.diagnostics[0]!.hint).toMatch(new RegExp(`, up1, grid1, … \\(${GROUPS * 6 - 12} more\\)$`));
  });

  it('reports a malformed frame reference in every job that has one, each at its value', async () => {
    const lines = manifestLines(GROUPS).map((l) => (l === '    frames: { first: a, last: b }' ? '    frames: { first: [a], last: b }' : l));
    const expected = lines.flatMap((l, i) => (l === '    frames: { first: [a], last: b }' ? [`schema ${i + 1}:22`] : []));
    expect(expected).toHaveLength(GROUPS);
    expect(await placed(lines)).toEqual(expected);
  });

  it('reports every job of many that share one mistake, and others of another form at the same place', async () => {
    // Every pair job gets a bad frame name in the mapping form; every fifth one a list instead.
    const expected: string[] = [];
    const lines = manifestLines(GROUPS).map((l, i) => {
      if (l !== '    frames: { first: a, last: b }') return l;
      const bad = expected.length % 5 === 4 ? '    frames: { first: [a], last: b }' : '    frames: { first: a, last: { job: shot0, frame: middle } }';
      expected.push(`schema ${i + 1}:${bad.includes('[a]') ? bad.indexOf('[a]') + 1 : bad.indexOf('middle') + 1}`);
      return bad;
    });
    expect(expected).toHaveLength(GROUPS);
    expect(await placed(lines)).toEqual(expected);
    const r = await load(text(lines), FILES);
    expect(r.diagnostics.filter((d) => d.message === 'jobs.pair3.frames.last.frame must be one of first, last (got "middle")')).toHaveLength(1);
    expect(r.diagnostics.filter((d) => d.message === 'jobs.pair4.frames.first must be a string or a mapping')).toHaveLength(1);
  });
});
