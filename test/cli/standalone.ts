/** Starts `pixrender sim` in its own process, as a user runs it, and stops it after each test. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** The standalone simulator's base URL and token, as it prints them. */
export async function startStandalone(args: string[]): Promise<{ base: string; token: string }> {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const sim = spawn(process.execPath, [cli, 'sim', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  child = sim;
  let out = '';
  return new Promise((resolve, reject) => {
    sim.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const base = /base URL\s+(\S+)/.exec(out)?.[1];
      const token = /token\s+(\S+)/.exec(out)?.[1];
      if (base && token) resolve({ base, token });
    });
    sim.once('exit', (code) => reject(new Error(`sim exited with ${code}: ${out}`)));
  });
}
