/** Whether dist/ is older than what `npm run build` makes it from: the reason as one line, or undefined. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What the build reads: the sources, the schemas and catalog it compiles, its scripts and settings. */
export const BUILD_INPUTS = ['src', 'schemas', 'catalog', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** Written by the build's last step (scripts/bundle.mjs) on every build. */
export const BUILD_OUTPUT = 'dist/cli.js';

function newest(path: string): { path: string; mtimeMs: number } | undefined {
  const s = statSync(path, { throwIfNoEntry: false });
  if (!s) return undefined;
  if (!s.isDirectory()) return { path, mtimeMs: s.mtimeMs };
  let best: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(path)) {
    const found = newest(join(path, entry));
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

export function staleBuild(root: string): string | undefined {
  const built = statSync(join(root, BUILD_OUTPUT), { throwIfNoEntry: false });
  if (!built) return `${BUILD_OUTPUT} is missing`;
  for (const input of BUILD_INPUTS) {
    const found = newest(join(root, input));
    if (found && found.mtimeMs > built.mtimeMs) return `${relative(root, found.path)} is newer than ${BUILD_OUTPUT}`;
  }
  return undefined;
}
