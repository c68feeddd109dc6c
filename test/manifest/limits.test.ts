/**
 * Crafted manifests cost bounded work: every limit in src/manifest/limits.ts is a diagnostic at the
 * offending line:col, found before the work it guards is done. Each test's timeout is the hang guard:
 * the unguarded work (10^8 cells, 20,000 × 5,000 inputs) would not end within it. Speed is measured in
 * `npm run bench`, not here.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, LineIndex } from '../../src/diagnostic.js';
import { LIMITS } from '../../src/manifest/limits.js';
import { loadManifest } from '../../src/manifest/index.js';
import { load, MANIFEST, memoryFs } from './helpers.js';

/** `code line:col` of every error. */
async function placed(text: string): Promise<{ errors: string[] }> {
  const index = new LineIndex(text);
  const r = await load(text);
  const errors = r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => {
      const { line, col } = index.position(d.location!.range.offset);
      return `${d.code} ${line}:${col}`;
    });
  return { errors };
}

const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

describe('matrix size', () => {
  it('a 12-line matrix of 10^8 cells is one diagnostic at the matrix, found at once', async () => {
    const axes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => `      ${k}: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]`);
    const { errors } = await placed(lines('version: 1', 'jobs:', '  grid:', '    prompt: p ${a}', '    matrix:', ...axes));
    expect(errors).toEqual(['matrix-too-large 5:5']);
  }, 30_000);

  it('the product is counted without overflow (axes of 1,000 values, 40 of them)', async () => {
    const values = `[${Array.from({ length: 1000 }, (_, i) => i).join(', ')}]`;
    const axes = Array.from({ length: 40 }, (_, i) => `      k${i}: ${values}`);
    const { errors } = await placed(lines('version: 1', 'jobs:', '  grid:', '    prompt: p', '    matrix:', ...axes));
    expect(errors).toEqual(['matrix-too-large 5:5']);
  }, 30_000);

  it(`a matrix of exactly ${LIMITS.matrixCellsPerJob} cells is allowed`, async () => {
    const ten = '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]';
    const r = await load(lines('version: 1', 'jobs:', '  grid:', '    prompt: p', '    matrix:', `      a: ${ten}`, `      b: ${ten}`, `      c: ${ten}`));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.manifest?.jobs).toHaveLength(1000);
  }, 30_000);

  it('then-steps multiply the cells: too many jobs in the manifest is one diagnostic at the job that crosses the limit', async () => {
    const ten = '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]';
    const steps = Array.from({ length: 30 }, () => '      - extend: {}');
    const job = (n: number) => [`  g${n}:`, '    prompt: p', '    matrix:', `      a: ${ten}`, `      b: ${ten}`, `      c: ${ten}`, '    then:', ...steps];
    // 1,000 cells × 31 instances = 31,000 jobs: over the manifest's limit on the first job already.
    const { errors } = await placed(lines('version: 1', 'jobs:', ...job(1), ...job(2)));
    expect(errors).toEqual(['too-many-jobs 3:3']);
  }, 30_000);

  it('many matrix jobs together cross the manifest limit at the first job over it', async () => {
    const ten = '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]';
    const jobs = Array.from({ length: 25 }, (_, n) => [`  g${n}:`, '    prompt: p', '    matrix:', `      a: ${ten}`, `      b: ${ten}`, `      c: ${ten}`]).flat();
    const text = lines('version: 1', 'jobs:', ...jobs);
    const { errors } = await placed(text);
    const over = Math.floor(LIMITS.jobsPerManifest / 1000); // jobs g0..g(over-1) fit, g(over) crosses
    expect(errors).toEqual([`too-many-jobs ${3 + over * 6}:3`]);
  }, 60_000);
});

describe('variables', () => {
  it('27 lines of doubling variables: one diagnostic where the value passes the length limit, fast', async () => {
    const vars = ['  v0: abcdefgh', ...Array.from({ length: 25 }, (_, i) => `  v${i + 1}: "\${v${i}}\${v${i}}"`)];
    const text = lines('version: 1', 'vars:', ...vars, 'jobs:', '  a:', '    prompt: ${v25}');
    const { errors } = await placed(text);
    // 8 × 2^13 = 64 KiB fits; v14 is the first value over it (line 3 holds v0).
    expect(errors).toEqual([`var-too-long ${3 + 14}:8`]);
  }, 30_000);

  it('a wide doubling (each value uses the one before many times) is bounded too', async () => {
    const vars = ['  v0: x', ...Array.from({ length: 12 }, (_, i) => `  v${i + 1}: "${`\${v${i}}`.repeat(10)}"`)];
    const { errors } = await placed(lines('version: 1', 'vars:', ...vars, 'jobs:', '  a:', '    prompt: ${v12}'));
    expect(errors).toEqual([`var-too-long ${3 + 5}:7`]); // 10^5 characters > 64 KiB
  }, 30_000);

  it('a field that joins values each under the limit is checked where it is written', async () => {
    const big = 'y'.repeat(40_000);
    const { errors } = await placed(lines('version: 1', 'vars:', `  big: ${big}`, 'jobs:', '  a:', '    prompt: "${big}${big}"'));
    expect(errors).toEqual(['var-too-long 6:13']);
  });

  it('a 3,000-variable chain is a depth diagnostic, not a stack overflow', async () => {
    const vars = ['  v0: end', ...Array.from({ length: 3000 }, (_, i) => `  v${i + 1}: "<\${v${i}}>"`)];
    const { errors } = await placed(lines('version: 1', 'vars:', ...vars, 'jobs:', '  a:', '    prompt: ${v3000}'));
    // v3000 → v2999 → … : the reference one level past the limit is reported where it is written.
    const holder = 3001 - LIMITS.varDepth; // the deepest variable allowed; its reference goes one further
    expect(errors).toEqual([`var-depth ${3 + holder}:${`  v${holder}: "<`.length + 1}`]);
  }, 30_000);

  it(`a chain of ${LIMITS.varDepth} variables is allowed and expands fully`, async () => {
    const n = LIMITS.varDepth;
    const vars = ['  v0: end', ...Array.from({ length: n - 1 }, (_, i) => `  v${i + 1}: "<\${v${i}}>"`)];
    const r = await load(lines('version: 1', 'vars:', ...vars, 'jobs:', '  a:', `    prompt: \${v${n - 1}}`));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.manifest?.jobs[0]?.params['prompt']).toBe(`${'<'.repeat(n - 1)}end${'>'.repeat(n - 1)}`);
  });

  it('doubling inside job vars and a matrix is bounded as well', async () => {
    const vars = ['      v0: abcdefgh', ...Array.from({ length: 25 }, (_, i) => `      v${i + 1}: "\${v${i}}\${v${i}}"`)];
    const text = lines('version: 1', 'jobs:', '  a:', '    prompt: ${v25} ${k}', '    matrix:', '      k: [1, 2, 3, 4, 5, 6, 7, 8, 9]', '    vars:', ...vars);
    const { errors } = await placed(text);
    expect(errors).toEqual([`var-too-long ${8 + 14}:12`]);
  }, 30_000);

  it('the text all variables expand to in one manifest is bounded', async () => {
    const vars = ['  v0: abcdefgh', ...Array.from({ length: 12 }, (_, i) => `  v${i + 1}: "\${v${i}}\${v${i}}"`)]; // v12: 32 KiB
    const ten = '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]';
    const text = lines('version: 1', 'vars:', ...vars, 'jobs:', '  a:', '    negativePrompt: ${v12}', '    prompt: p', '    matrix:', `      x: ${ten}`, `      y: ${ten}`, `      z: ${ten}`);
    const r = await load(text);
    const codes = new Set(r.diagnostics.map((d) => d.code));
    expect(codes.has('expansion-too-large')).toBe(true);
    expect(r.manifest).toBeUndefined();
  }, 30_000);
});

describe('unknown variables among many', () => {
  it('5,000 unknown references among 5,000 variables: bounded did-you-mean, short hints', async () => {
    const vars = Array.from({ length: 5000 }, (_, i) => `  variable_number_${i}: v`);
    const jobs = Array.from({ length: 5000 }, (_, i) => `  j${i}: { prompt: "\${unknown_thing_${i}}" }`);
    const r = await load(lines('version: 1', 'vars:', ...vars, 'jobs:', ...jobs));
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-var');
    expect(unknown).toHaveLength(5000);
    for (const d of unknown) expect(d.hint!.length).toBeLessThan(1000);
    expect(unknown.at(-1)!.hint).toMatch(/… \(\d+ more\)$/);
  }, 60_000);

  it('still guesses where it can afford to', async () => {
    const r = await load(lines('version: 1', 'vars:', '  subject: a', 'jobs:', '  a:', '    prompt: ${subjet}'));
    expect(r.diagnostics.map((d) => d.hint)).toEqual(['did you mean "subject"?']);
  });
});

describe('post steps', () => {
  it('20,000 contact sheets of every job are one diagnostic, not 20,000 × 5,000 inputs', async () => {
    const jobs = Array.from({ length: 5000 }, (_, i) => `  j${i}: { prompt: p }`);
    const post = Array.from({ length: 20_000 }, () => '  - contactSheet: all');
    const { errors } = await placed(lines('version: 1', 'jobs:', ...jobs, 'post:', ...post));
    expect(errors).toEqual([`too-many-post-steps ${2 + 5000 + 1 + LIMITS.postSteps + 1}:5`]);
  }, 60_000);
});

describe('printing many diagnostics', () => {
  it('indexes the source once, not once per diagnostic', () => {
    const text = `${'x\n'.repeat(500_000)}`;
    const d = { severity: 'error' as const, code: 'schema', message: 'm', location: { file: 'f', range: { offset: text.length - 2, length: 1 } } };
    const sources = new Map([['f', text]]);
    for (let i = 0; i < 5000; i++) formatDiagnostic(d, sources);
  }, 60_000);
});

describe('file size', () => {
  it('a manifest over the size limit is not read', async () => {
    const fs = memoryFs(`version: 1\njobs:\n  a:\n    prompt: "${'x'.repeat(LIMITS.manifestBytes)}"\n`);
    const r = await loadManifest(MANIFEST, { fs });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
    expect(r.sources.size).toBe(0);
  });

  it('a manifest that is not a regular file (a folder) is a diagnostic, not a read', async () => {
    const fs = memoryFs('', { '/proj/dir.yaml/x': '' });
    const r = await loadManifest('/proj/dir.yaml', { fs });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['file-unreadable']);
  });
});
