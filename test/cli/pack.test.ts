/**
 * What `npm pack` ships: a project copy that has rendered (outputs, journals, locks, a 2 MB render) must
 * still pack to what a user needs, well under 1 MB, with no source maps whose sources are not shipped.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'pixrender-pack-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

interface Packed {
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

function packCopy(): Packed {
  if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  for (const item of ['package.json', 'README.md', 'dist', 'schemas', 'catalog', 'examples']) cpSync(join(root, item), join(copy, item), { recursive: true });
  // What a project folder holds after the examples ran, wherever the tool or a user leaves it.
  const big = Buffer.alloc(2 * 1024 * 1024, 7);
  for (const dir of ['examples/renders/quickstart', 'renders', 'examples/.pixrender/journal', '.pixrender']) mkdirSync(join(copy, dir), { recursive: true });
  writeFileSync(join(copy, 'examples/renders/quickstart/hero.mp4'), big);
  writeFileSync(join(copy, 'renders/hero.mp4'), big);
  writeFileSync(join(copy, 'examples/.pixrender/journal/quickstart.journal'), '{}\n');
  writeFileSync(join(copy, 'examples/.pixrender/uploads.json'), '{}\n');
  writeFileSync(join(copy, '.pixrender/state.json'), '{}\n');
  writeFileSync(join(copy, 'examples/quickstart.lock'), '{}\n');
  writeFileSync(join(copy, 'examples/quickstart.yaml.lock'), '{}\n');
  writeFileSync(join(copy, 'examples/run.journal'), '{}\n');
  writeFileSync(join(copy, 'dist/tsconfig.build.tsbuildinfo'), '{}\n');
  // --ignore-scripts: the copy has no compiler; packing must not try to build.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(out) as Packed[])[0]!;
}

describe('npm pack', () => {
  it('ships dist, schemas, catalog, the examples and README only, under 1 MB', () => {
    const packed = packCopy();
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'schemas/manifest.schema.json', 'catalog/models.json', 'catalog/models-2026.json', 'examples/quickstart.yaml']));
    expect(paths.some((p) => p.startsWith('examples/assets/'))).toBe(true);
    const unwanted = paths.filter((p) => /(^|\/)(renders|\.pixrender)\//.test(p) || /\.(lock|journal|map|tsbuildinfo|mp4\.part)$/.test(p) || /^(src|test|bench|docs)\//.test(p));
    expect(unwanted).toEqual([]);
    // What a user downloads stays under 1 MB; unpacked it is code, declarations, the schemas and the
    // reference catalog (a growth guard, not a target).
    expect(packed.size).toBeLessThan(1024 * 1024);
    expect(packed.unpackedSize).toBeLessThan(1.5 * 1024 * 1024);
  }, 120_000);
});
