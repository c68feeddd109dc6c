/**
 * Start-up: what a quick command loads, and that a built checkout is not rebuilt. The time itself is
 * measured in `npm run bench` (bench/startup.mjs), next to a bare `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliPath, repoRoot, requireBuild } from './helpers.js';

// Lists every module a process loads: ESM through a loader hook, CommonJS through Module._compile, and
// Node's built-in modules as Node lists them at exit.
const TRACE = `data:text/javascript,${encodeURIComponent(`
import { register, createRequire } from 'node:module';
process.on('exit', () => { for (const m of process.moduleLoadList) if (m.startsWith('NativeModule ')) process._rawDebug('loaded node:' + m.slice(13)); });
const Module = createRequire('/')('module');
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) { process._rawDebug('loaded ' + filename); return compile.call(this, content, filename); };
register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { if (url.startsWith('file:')) process._rawDebug('loaded ' + url); return next(url, context); }"));
`)}`;

/** The files a command loads, relative to the repository. */
function loadedFiles(args: string[]): string[] {
  requireBuild();
  const r = spawnSync(process.execPath, ['--import', TRACE, cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, USEAPI_TOKEN: '' }, timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('loaded '))
    .map((l) => l.slice('loaded '.length))
    .map((f) => (f.startsWith('node:') ? f : relative(repoRoot, f.startsWith('file:') ? fileURLToPath(f) : f)));
}

/** The CLI is bundled (scripts/bundle.mjs): each chunk of dist/ it loads stands for the sources that dist/bundle.json says it holds. */
function bundleSources(): Record<string, string[]> {
  const meta = JSON.parse(readFileSync(`${repoRoot}/dist/bundle.json`, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.fromEntries(Object.entries(meta.outputs).map(([file, { inputs }]) => [file, Object.keys(inputs)]));
}

function loaded(args: string[]): string[] {
  const chunks = bundleSources();
  const files = loadedFiles(args);
  // Every module of the CLI comes from the bundle, none from tsc's per-module output beside it.
  expect(files.filter((f) => f.startsWith('dist/') && f.endsWith('.js') && !chunks[f])).toEqual([]);
  return files.flatMap((f) => chunks[f] ?? [f]);
}

describe('start-up', () => {
  it.each([['validate'], ['plan']])('%s of the quickstart loads no schema compiler, watcher, HTTP client, simulator or ffmpeg', (command) => {
    const modules = loaded([command, 'examples/quickstart.yaml']);
    expect(modules.some((m) => m.includes('manifest.validator.cjs'))).toBe(true);
    expect(modules).toContain('src/manifest/parse.ts');
    for (const heavy of ['ajv/dist/compile', 'ajv/dist/core', 'chokidar', 'undici', '@ffmpeg-installer', 'cosmiconfig', 'src/watch', 'node_modules/pg/', 'src/state/pg/', 'src/execute/', 'node:child_process'])
      expect(modules.filter((m) => m.includes(heavy)), heavy).toEqual([]);
    // Each job kind declares its simulator behaviour next to its request (src/kinds), so the few wire
    // readers those declarations use load with the kinds; the simulator itself does not.
    const simulator = modules.filter((m) => m.startsWith('src/sim/')).map((m) => m.slice('src/sim/'.length, -'.ts'.length) + '.js');
    for (const part of ['index.js', 'server.js', 'http.js', 'routes.js', 'jobs.js', 'media.js', 'accounts.js', 'faults.js', 'generation.js'])
      expect(simulator, part).not.toContain(part);
    expect(simulator.length, simulator.join(', ')).toBeLessThanOrEqual(8);
  });

  it('validate reads no state, lock or asset hashes: what plan needs beyond the manifest does not load', () => {
    const modules = loaded(['validate', 'examples/quickstart.yaml']);
    for (const planning of ['src/plan-inputs.ts', 'src/plan.ts', 'src/graph.ts', 'src/fingerprint.ts', 'src/state/file-store.ts', 'src/state/open-store.ts'])
      expect(modules, planning).not.toContain(planning);
  });

  it('a built checkout is up to date: `npx pixrender` after `npm ci` does not recompile', () => {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json', '--dry', '--verbose'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toMatch(/is up to date/);
    expect(r.stdout).not.toMatch(/would build/i);
  });
});
