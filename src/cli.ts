#!/usr/bin/env node
/**
 * The command-line entry: a thin router. Commands are listed in src/commands/table.ts; only the one
 * that runs is loaded, parses its own flags (commander, src/commands/args.ts) and returns an exit code.
 * Exit codes: 0 ok, 1 jobs failed, 2 invalid input, 3 credits/budget, 130 interrupted; 70 is an
 * internal error (a bug).
 */
import { relative } from 'node:path';
import type { Command as Commander } from 'commander';
import { printable, printableText } from './diagnostic.js';
import { commander, commanderMessage, EXIT_CODES, helpText, type AnyCommand } from './commands/args.js';
import { COMMANDS, version } from './commands/table.js';

/** A command that carries its own usage text; commands with a declared spec use DeclaredCommand. */
export type { UsageCommand as Command } from './commands/args.js';

const HELP_AFTER = `\nRun \`pixrender <command> --help\` for a command's options.\n${EXIT_CODES}`;

/** The top level: commander lists the commands, prints the version and suggests a command for a typo. */
function program(): Commander {
  const top = new (commander().Command)('pixrender')
    .description('pixrender: render AI video batches from YAML manifests through the PixVerse API v2 (useapi.net)')
    .usage('<command> [options]')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`pixrender: ${commanderMessage(text)}\n`) });
  for (const [name, entry] of Object.entries(COMMANDS)) top.command(name).summary(entry.summary);
  return top;
}

/** `--help` of a command: generated from its spec, or its usage text with the exit codes. */
export function commandHelp(cmd: AnyCommand): string {
  if ('spec' in cmd) return helpText(cmd.spec);
  return /Exit codes/.test(cmd.usage) ? cmd.usage : `${cmd.usage}\n\n${EXIT_CODES}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0])) argv = [rest[0], '--help'];
  const [command, ...args] = argv;
  if (command === undefined || command === 'help') {
    process.stdout.write(`${program().helpInformation()}${HELP_AFTER}\n`);
    return 0;
  }
  if (command === '-v') argv = ['--version'];
  if (!Object.hasOwn(COMMANDS, command)) {
    try {
      program().parse(argv, { from: 'user' });
      return 0;
    } catch (error) {
      if (!(error instanceof commander().CommanderError)) throw error;
      return error.code === 'commander.version' || error.code === 'commander.helpDisplayed' ? 0 : 2;
    }
  }
  const cmd = await COMMANDS[command]!.load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${commandHelp(cmd)}\n`);
    return 0;
  }
  return cmd.run(args);
}

/**
 * Errors a user can meet and act on (the API unreachable or refusing the token, damaged or busy state,
 * ffmpeg missing) become one clear line and an exit code; anything else is a bug and shows its stack.
 */
async function explain(error: unknown): Promise<{ message: string; code: number } | undefined> {
  const [{ ApiError }, { StateError }, { FfmpegError }, { BackendError }, { DiskError }, { SimStateError }, { CallbackListenerError }] = await Promise.all([
    import('./api/errors.js'),
    import('./state/errors.js'),
    import('./ffmpeg.js'),
    import('./pipeline.js'),
    import('./state/fs.js'),
    import('./sim/persistence.js'),
    import('./execute/callbacks.js'),
  ]);
  if (error instanceof DiskError) return { message: error.message, code: 2 };
  if (error instanceof SimStateError) return { message: error.message, code: 2 };
  if (error instanceof CallbackListenerError) return { message: error.message, code: 2 };
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
