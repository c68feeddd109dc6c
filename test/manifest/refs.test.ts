import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellId, end, JobIndex, matrixCells } from '../../src/manifest/refs.js';
import { VarScope, literalLayer, varLayer } from '../../src/manifest/vars.js';

const identifier = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,6}$/);
const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,6}$/), fc.integer({ min: 0, max: 99 }));
const matrix = fc.dictionary(identifier, fc.uniqueArray(value, { minLength: 1, maxLength: 3, selector: String }), { minKeys: 1, maxKeys: 3 });

describe('matrix ids', () => {
  it('every cell id resolves to its own cell, whatever the key order', () => {
    fc.assert(
      fc.property(matrix, fc.nat({ max: 3 }), (m, steps) => {
        const index = new JobIndex({ v: { prompt: 'p', matrix: m, ...(steps ? { then: Array.from({ length: steps }, () => ({ upscale: null })) } : {}) } }, new Set());
        const cells = matrixCells(m);
        expect(cells.length).toBe(Object.values(m).reduce((n, vs) => n * vs.length, 1));
        for (const cell of cells) {
          const id = cellId('v', cell);
          const reversed = `v[${Object.entries(cell).reverse().map(([k, x]) => `${k}=${String(x)}`).join(',')}]`;
          const expectedEnd = steps ? `${id}.${steps}` : id;
          expect(index.resolve(id)).toEqual({ type: 'job', id: expectedEnd, name: 'v' });
          expect(index.resolve(reversed)).toEqual({ type: 'job', id: expectedEnd, name: 'v' });
          expect(index.resolve(`${id}.0`)).toEqual({ type: 'job', id, name: 'v' });
        }
        expect(index.resolve('v').type).toBe('matrix');
      }),
    );
  });

  it('the end of a chain is its last step', () => {
    const index = new JobIndex({ a: { prompt: 'p', then: [{ upscale: null }, { upscale: null }] } }, new Set());
    expect(end(index.jobs.get('a')!.chain!)).toBe('a.2');
    expect(index.allIds()).toEqual(['a', 'a.1', 'a.2']);
    expect(index.resolve('a.3')).toEqual({ type: 'bad-step', name: 'a', base: 'a', steps: 2 });
    expect(index.resolve('b')).toEqual({ type: 'none' });
  });
});

describe('VarScope', () => {
  it('leaves text without references unchanged, and reports nothing', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('${')), (text) => {
        const scope = new VarScope(literalLayer({ name: 'n' }));
        expect(scope.expand(text)).toEqual({ value: text, problems: [] });
      }),
    );
  });

  it('substitutes literal values verbatim, even ones that look like references', () => {
    const scope = new VarScope(varLayer({ a: 'x${b}' }, ['vars']), varLayer({ b: 'y' }, ['jobs', 'j', 'vars']), literalLayer({ m: '${a}' }));
    expect(scope.expand('${a}|${m}')).toEqual({ value: 'xy|${a}', problems: [] });
  });

  it('reports cycles with the chain', () => {
    const scope = new VarScope(varLayer({ a: '${b}', b: '${a}' }, ['vars']));
    expect(scope.expand('${a}').problems).toEqual([{ kind: 'cycle', chain: ['a', 'b', 'a'], definedAt: ['vars', 'a'] }]);
  });
});
