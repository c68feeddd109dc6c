/**
 * Values with alternative forms (a frame reference as a name or as `{job, frame}`, a contact sheet as
 * `all` or a list): each value's error is reported at that value, whatever the other values sharing the
 * same schema position got wrong.
 */
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/diagnostic.js';
import { load } from './helpers.js';

const FILES = { '/proj/hero.png': 'png' };

/** `code line:col message` of every diagnostic. */
async function placed(lines: string[]): Promise<string[]> {
  const source = `${lines.join('\n')}\n`;
  const index = new LineIndex(source);
  const r = await load(source, FILES);
  return r.diagnostics.map((d) => {
    const { line, col } = index.position(d.location!.range.offset);
    return `${d.code} ${line}:${col} ${d.message}`;
  });
}

const head = ['version: 1', 'assets:', '  hero: ./hero.png', 'jobs:', '  x: { prompt: p }'];

describe('errors in the same alternative position of different jobs', () => {
  it('reports a bad field of the mapping form and a wrong type, each at its own value', async () => {
    const lines = [
      ...head,
      '  a:',
      '    frames: { first: { job: x, frame: middle }, last: hero }',
      '  b:',
      '    frames: { first: [x], last: hero }',
    ];
    expect(await placed(lines)).toEqual([
      'schema 7:39 jobs.a.frames.first.frame must be one of first, last (got "middle")',
      'schema 9:22 jobs.b.frames.first must be a string or a mapping',
    ]);
  });

  it('keeps the order of the file whichever error comes first', async () => {
    const lines = [
      ...head,
      '  b:',
      '    frames: { first: [x], last: hero }',
      '  a:',
      '    frames: { first: hero, last: { job: x, frame: middle } }',
      '  c:',
      '    frames: { first: { job: x, fram: last }, last: 7 }',
    ];
    expect(await placed(lines)).toEqual([
      'schema 7:22 jobs.b.frames.first must be a string or a mapping',
      'schema 9:51 jobs.a.frames.last.frame must be one of first, last (got "middle")',
      'unknown-field 11:32 unknown field "fram" in jobs.c.frames.first',
      'schema 11:52 jobs.c.frames.last must be a string or a mapping',
    ]);
  });

  it('marks every such job as broken, so none of them is checked further', async () => {
    // Resolved, `a` would also report its unknown job "nope"; broken, only its schema error is reported.
    const lines = [
      ...head,
      '  a:',
      '    frames: { first: { job: nope, frame: middle }, last: hero }',
      '  b:',
      '    frames: { first: [x], last: nope }',
    ];
    const source = `${lines.join('\n')}\n`;
    const r = await load(source, FILES);
    expect(r.manifest).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['schema', 'schema']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'jobs.a.frames.first.frame must be one of first, last (got "middle")',
      'jobs.b.frames.first must be a string or a mapping',
    ]);
  });

  it('does not report the other form for a value whose form is right, next to one whose form is wrong', async () => {
    const lines = [...head, '  a:', '    frames: { first: hero, last: x }', '  b:', '    frames: { first: [x], last: { job: x } }'];
    expect(await placed(lines)).toEqual(['schema 9:22 jobs.b.frames.first must be a string or a mapping']);
  });

  it('reports a too-short list next to a value of neither form in post-steps', async () => {
    const lines = [...head, '  y: { prompt: p, image: hero }', 'post:', '  - contactSheet: some', '  - contactSheet: []', '    output: sheet.png'];
    expect(await placed(lines)).toEqual([
      'schema 8:19 post[0].contactSheet must be "all" or a list',
      'schema 9:19 post[1].contactSheet must NOT have fewer than 1 items',
    ]);
  });
});
