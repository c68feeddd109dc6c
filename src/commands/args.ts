/** Flag parsing shared by the commands: node's parseArgs, with bad flags reported as usage errors (exit 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { printableText } from '../diagnostic.js';

export class UsageError extends Error {}

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;
export interface ParsedFlags {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseFlags(argv: string[], options: FlagSpec, usage: string): ParsedFlags {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** A numeric flag, or a UsageError naming the flag and the value. */
export function numberFlag(flags: ParsedFlags, name: string, fallback?: number): number | undefined {
  const raw = flags.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${String(raw)}"`);
  return n;
}

/** Runs a command body, turning a UsageError into exit code 2 with the message on stderr. */
export async function withUsage(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pixrender: ${printableText(error.message)}\n`);
      return 2;
    }
    throw error;
  }
}
