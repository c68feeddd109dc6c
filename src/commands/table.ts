/** The commands of the CLI, by name: what `--help` lists, the router dispatches and completion offers. */
import { readFileSync } from 'node:fs';
import type { AnyCommand } from './args.js';
import { packageFile } from '../package-files.js';

/**
 * Every command, in the order `--help` lists them. Adding a command is one line here: its module
 * exports `command` (a `spec` with its flags and a `run(argv)`; or, older style, `summary`, `usage`, `run`).
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<AnyCommand> }> = {
  render: { summary: 'render a manifest: submit what changed, download outputs, write the lock', load: () => import('./render.js').then((m) => m.command) },
  plan: { summary: 'show what would render, what is cached and what it costs', load: () => import('./plan.js').then((m) => m.command) },
  validate: { summary: 'check manifests and print diagnostics', load: () => import('./validate.js').then((m) => m.command) },
  graph: { summary: 'print the job graph as mermaid, dot or json', load: () => import('./graph.js').then((m) => m.command) },
  status: { summary: 'collect results of submitted jobs (e.g. after render --no-wait)', load: () => import('./status.js').then((m) => m.command) },
  watch: { summary: 'render, then re-render what changes on every save', load: () => import('./watch.js').then((m) => m.command) },
  gallery: { summary: 'write a static HTML gallery of the renders', load: () => import('./gallery.js').then((m) => m.command) },
  models: { summary: 'print the models catalog: capabilities and credit prices', load: () => import('./models.js').then((m) => m.command) },
  init: { summary: 'start a project: a manifest, a config, .gitignore and .gitattributes', load: () => import('./init.js').then((m) => m.command) },
  clean: { summary: 'remove renders no longer in the manifest, set-aside copies and previews', load: () => import('./clean.js').then((m) => m.command) },
  'merge-lock': { summary: 'git merge driver for lock files (docs/git.md)', load: () => import('./merge-lock.js').then((m) => m.command) },
  sim: { summary: 'run the PixVerse API simulator as a standalone HTTP server', load: () => import('./sim.js').then((m) => m.command) },
  completion: { summary: 'print a shell completion script (bash, zsh or fish)', load: () => import('./completion.js').then((m) => m.command) },
  version: { summary: 'print the version', load: async () => VERSION },
};

export function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const VERSION: AnyCommand = {
  spec: { name: 'version', synopsis: '', summary: 'print the version', description: 'Prints the version of pixrender.', options: [], exitCodes: '0 ok' },
  run: async () => {
    process.stdout.write(`${version()}\n`);
    return 0;
  },
};

