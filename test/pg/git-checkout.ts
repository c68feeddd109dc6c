/** A checkout of a git repository for the shared-store tests: `git init` with an origin, no commits needed. */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const git = promisify(execFile);

export async function gitCheckout(dir: string, origin: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git('git', ['init', '-q', dir]);
  await git('git', ['-C', dir, 'remote', 'add', 'origin', origin]);
  return dir;
}
