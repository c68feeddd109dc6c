#!/usr/bin/env node
/**
 * The command-line entry: a thin router. Each command lives in src/commands/<name>.ts, is loaded
 * lazily, parses its own flags and returns an exit code. Exit codes: 0 ok, 1 jobs failed,
 * 2 invalid input, 3 credits/budget, 130 interrupted; 70 is an internal error (a bug).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { printable, printableText } from './diagnostic.js';

export interface Command {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: { summary: 'render a manifest: submit what changed, download outputs, write the lock', load: () => import('./commands/render.js').then((m) => m.command) },
  plan: { summary: 'show what would render, what is cached and what it costs', load: () => import('./commands/plan.js').then((m) => m.command) },
  validate: { summary: 'check manifests and print diagnostics', load: () => import('./commands/validate.js').then((m) => m.command) },
  graph: { summary: 'print the job graph as mermaid, dot or json', load: () => import('./commands/graph.js').then((m) => m.command) },
  status: { summary: 'collect results of submitted jobs (e.g. after render --no-wait)', load: () => import('./commands/status.js').then((m) => m.command) },
  watch: { summary: 'render, then re-render what changes on every save', load: () => import('./commands/watch.js').then((m) => m.command) },
  gallery: { summary: 'write a static HTML gallery of the renders', load: () => import('./commands/gallery.js').then((m) => m.command) },
  models: { summary: 'print the models catalog: capabilities and credit prices', load: () => import('./commands/models.js').then((m) => m.command) },
  'merge-lock': { summary: 'git merge driver for lock files (docs/git.md)', load: () => import('./commands/merge-lock.js').then((m) => m.command) },
  sim: { summary: 'run the PixVerse API simulator as a standalone HTTP server', load: () => import('./commands/sim.js').then((m) => m.command) },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'pixrender: render AI video batches from YAML manifests through the PixVerse API v2 (useapi.net)',
    '',
    'Usage: pixrender <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `pixrender <command> --help` for a command\'s options.',
    'Exit codes: 0 ok, 1 jobs failed, 2 invalid input, 3 credits or budget, 130 interrupted.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? rest[0] : undefined;
    if (target && COMMANDS[target]) {
      const cmd = await COMMANDS[target].load();
      process.stdout.write(`${cmd.usage}\n`);
    } else process.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`pixrender: unknown command "${printable(name)}"\n\n${mainHelp()}\n`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`);
    return 0;
  }
  return cmd.run(rest);
}

/**
 * Errors a user can meet and act on (the API unreachable or refusing the token, damaged or busy state,
 * ffmpeg missing) become one clear line and an exit code; anything else is a bug and shows its stack.
 */
async function explain(error: unknown): Promise<{ message: string; code: number } | undefined> {
  const [{ ApiError }, { StateError }, { FfmpegError }, { BackendError }, { DiskError }] = await Promise.all([
    import('./api/errors.js'),
    import('./state/errors.js'),
    import('./ffmpeg.js'),
    import('./pipeline.js'),
    import('./state/fs.js'),
  ]);
  if (error instanceof DiskError) return { message: error.message, code: 2 };
  if (error instanceof ApiError) {
    const code = error.kind === 'insufficient-credits' ? 3 : error.kind === 'unauthorized' || error.kind === 'payment-required' ? 2 : 1;
    return { message: `the API call failed: ${error.message}`, code };
  }
  if (error instanceof StateError) return { message: error.message, code: 2 };
  if (error instanceof BackendError) return { message: error.message, code: 2 };
  if (error instanceof FfmpegError) return { message: error.message, code: 1 };
  const file = fileProblem(error);
  if (file) return { message: file, code: 2 };
  return undefined;
}

/** What a file-system error means, in words, for the errors a project folder can cause. */
const FILE_ERRORS: Record<string, string> = {
  EACCES: 'no permission',
  EPERM: 'not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a file is where a folder should be',
  EISDIR: 'a folder is where a file should be',
  EEXIST: 'something else is already there',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** A Node file-system error on a path, as one line: "cannot mkdir .pixrender: something else is already there". */
function fileProblem(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string' || !(e.code in FILE_ERRORS)) return undefined;
  // Some calls (a read on an open handle) do not say which file.
  const shown = typeof e.path === 'string' ? ` ${relative(process.cwd(), e.path) || e.path}` : ' a file of the project';
  return `cannot ${e.syscall ?? 'use'}${shown}: ${FILE_ERRORS[e.code]} (${e.code})`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const known = await explain(error).catch(() => undefined);
    if (known) {
      process.stderr.write(`pixrender: ${printable(known.message)}\n`);
      process.exitCode = known.code;
      return;
    }
    process.stderr.write(`pixrender: internal error: ${printableText(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
    process.exitCode = 70;
  },
);
