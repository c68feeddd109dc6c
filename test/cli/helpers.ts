/** Running the built CLI in a temp folder, as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const exampleFile = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

export function requireBuild(): void {
  if (!existsSync(cliPath)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
}

export function runCli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, USEAPI_TOKEN: '', NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
