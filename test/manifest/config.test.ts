import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configDisplayPath, DEFAULT_CONFIG, loadProjectConfig } from '../../src/config.js';
import { LineIndex } from '../../src/diagnostic.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'pixrender-config-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), text);
  }
}

function position(text: string, offset: number): string {
  const { line, col } = new LineIndex(text).position(offset);
  return `${line}:${col}`;
}

describe('loadProjectConfig', () => {
  it('gives the defaults when there is no config up to the package root', async () => {
    await write({ 'package.json': '{"name":"x"}', 'shots/a.yaml': '' });
    const r = await loadProjectConfig(join(root, 'shots'));
    expect(r).toEqual({ config: { ...DEFAULT_CONFIG }, diagnostics: [] });
    expect(DEFAULT_CONFIG.tokenEnv).toBe('USEAPI_TOKEN');
  });

  it('finds pixrender.config.yaml in a parent folder, merged over the defaults', async () => {
    await write({
      'package.json': '{"name":"x"}',
      'pixrender.config.yaml': 'backend: sim\ndefaults:\n  quality: 720p\n  offPeak: auto\nsim: { timeScale: 0.01, accounts: 2 }\noutputDir: out/${name}\n',
      'shots/deep/m.yaml': '',
    });
    const r = await loadProjectConfig(join(root, 'shots/deep'));
    expect(r.diagnostics).toEqual([]);
    expect(r.file).toBe(join(root, 'pixrender.config.yaml'));
    expect(r.config).toEqual({
      ...DEFAULT_CONFIG,
      backend: 'sim',
      defaults: { quality: '720p', offPeak: 'auto' },
      sim: { timeScale: 0.01, accounts: 2 },
      outputDir: 'out/${name}',
    });
  });

  it('reads .pixrenderrc (JSON or YAML), package.json "pixrender" and JS modules', async () => {
    await write({ 'a/package.json': '{}', 'a/.pixrenderrc': '{"tokenEnv": "MY_TOKEN"}' });
    expect((await loadProjectConfig(join(root, 'a'))).config.tokenEnv).toBe('MY_TOKEN');
    await write({ 'b/package.json': JSON.stringify({ name: 'b', pixrender: { accounts: [{ email: 'r@example.com', maxJobs: 3 }] } }) });
    expect((await loadProjectConfig(join(root, 'b'))).config.accounts).toEqual([{ email: 'r@example.com', maxJobs: 3 }]);
    await write({ 'c/package.json': '{}', 'c/pixrender.config.mjs': 'export default { apiUrl: "http://127.0.0.1:9/v2/pixverse" };\n' });
    expect((await loadProjectConfig(join(root, 'c'))).config.apiUrl).toBe('http://127.0.0.1:9/v2/pixverse');
  });

  it('reports schema errors with locations in YAML and JSON configs, and keeps the defaults', async () => {
    const yaml = 'defaults:\n  quality: 4k\nbakend: sim\n';
    await write({ 'package.json': '{}', '.pixrenderrc.yaml': yaml });
    const r = await loadProjectConfig(root);
    expect(r.config).toEqual({ ...DEFAULT_CONFIG });
    const file = configDisplayPath(join(root, '.pixrenderrc.yaml'));
    expect(r.diagnostics.map((d) => [d.code, d.location?.file, position(yaml, d.location!.range.offset), d.hint])).toEqual([
      ['unknown-field', file, '3:1', 'did you mean "backend"?'],
      ['schema', file, '2:12', undefined],
    ]);
  });

  it('points into package.json under "pixrender"', async () => {
    const pkg = '{\n  "name": "x",\n  "pixrender": {\n    "accounts": [{ "email": "r@example.com", "maxJobs": 12 }]\n  }\n}\n';
    await write({ 'package.json': pkg });
    const r = await loadProjectConfig(root);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'schema', message: 'pixrender.accounts[0].maxJobs must be <= 8' });
    expect(position(pkg, r.diagnostics[0]!.location!.range.offset)).toBe('4:57');
  });

  it('names a JS config in the message (no ranges), and reports load failures as config-syntax', async () => {
    await write({ 'a/package.json': '{}', 'a/pixrender.config.cjs': 'module.exports = { backend: "cloud" };\n' });
    const js = await loadProjectConfig(join(root, 'a'));
    expect(js.diagnostics).toHaveLength(1);
    expect(js.diagnostics[0]!.location).toBeUndefined();
    expect(js.diagnostics[0]!.message).toMatch(/pixrender\.config\.cjs: backend must be one of sim, useapi/);
    await write({ 'b/package.json': '{}', 'b/pixrender.config.json': '{ "backend": ' });
    const broken = await loadProjectConfig(join(root, 'b'));
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['config-syntax']);
    expect(broken.file).toBe(join(root, 'b/pixrender.config.json'));
  });
});
