/**
 * Vitest global setup: many tests run the built CLI (dist/cli.js), so a build older than its sources
 * would be tested silently. Before any test file runs, dist/ is compared with what it is built from;
 * when a source is newer (or dist/cli.js is missing) the project is built once, and a failed build stops
 * the run before any test.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleBuild } from './build-freshness.js';

const root = fileURLToPath(new URL('../', import.meta.url));

export default function setup(): void {
  const stale = staleBuild(root);
  if (!stale) return;
  process.stdout.write(`test setup: ${stale}: running npm run build\n`);
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error(`test setup: ${stale}, and \`npm run build\` failed (exit ${built.status}): fix the build first`);
  const still = staleBuild(root);
  if (still) throw new Error(`test setup: ${still} even after \`npm run build\``);
}
