/**
 * Commands and their flags, declared once as data: commander parses them, and the same declaration
 * writes `--help`, answers did-you-mean for a mistyped flag and feeds shell completion. Bad flags are
 * usage errors (exit 2).
 */
import type { Command as Commander } from 'commander';
import { createRequire } from 'node:module';
import type { ParseArgsConfig } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { printableText } from '../diagnostic.js';
import { knownSecrets, maskSecrets, shownUrl } from '../redact.js';
import { httpUrlProblem } from '../url.js';
import type { Selection } from '../select.js';

export class UsageError extends Error {}

/**
 * What the value of a flag must be. A flag name means one thing in every command (`--port` is always a
 * TCP port, `--time-scale` always a factor ≥ 0), so the rules are declared once, by name, and
 * parseFlags applies them to every command line before the command does any work.
 */
export type ValueRule =
  | { kind: 'number'; min: number; max?: number; minExclusive?: boolean; integer?: boolean }
  | { kind: 'url' };

const PORT: ValueRule = { kind: 'number', min: 0, max: 65535, integer: true };
const FRACTION: ValueRule = { kind: 'number', min: 0, max: 1 };
const NON_NEGATIVE: ValueRule = { kind: 'number', min: 0 };
const HTTP_URL: ValueRule = { kind: 'url' };

export const VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  'api-url': HTTP_URL,
  'callback-url': HTTP_URL,
  'time-scale': NON_NEGATIVE,
  'callback-port': PORT,
  port: PORT,
  debounce: NON_NEGATIVE,
  budget: NON_NEGATIVE,
  'offpeak-discount': { kind: 'number', min: 0, minExclusive: true, max: 1 },
  accounts: { kind: 'number', min: 1, max: 99, integer: true },
  'max-jobs': { kind: 'number', min: 1, max: 8, integer: true },
  credits: NON_NEGATIVE,
  'off-peak-wait': NON_NEGATIVE,
  'off-peak-discount': FRACTION,
  'preview-discount': FRACTION,
  'failure-rate': FRACTION,
  seed: { kind: 'number', min: 0, max: 2 ** 32 - 1, integer: true },
};

/** The range a numeric rule accepts, in words: "an integer 0…65535", "a number > 0 and ≤ 1". */
function rangeText(rule: Extract<ValueRule, { kind: 'number' }>): string {
  const low = `${rule.minExclusive ? '>' : '≥'} ${rule.min}`;
  return `${rule.integer ? 'an integer' : 'a number'} ${low}${rule.max !== undefined ? ` and ≤ ${rule.max}` : ''}`;
}

/** Checks one flag value against its rule; a UsageError names the flag and (masked) the value. */
function checkValue(name: string, raw: string, rule: ValueRule): void {
  switch (rule.kind) {
    case 'url': {
      const problem = httpUrlProblem(raw);
      if (problem) throw new UsageError(`--${name} expects an http(s) URL such as http://127.0.0.1:8080/v2/pixverse; "${shownUrl(raw)}" ${problem}`);
      return;
    }
    case 'number': {
      const n = Number(raw);
      const ok =
        raw.trim() !== '' &&
        Number.isFinite(n) &&
        (rule.minExclusive ? n > rule.min : n >= rule.min) &&
        (rule.max === undefined || n <= rule.max) &&
        (!rule.integer || Number.isInteger(n));
      if (!ok) throw new UsageError(`--${name} expects ${rangeText(rule)}, got "${raw}"`);
      return;
    }
    default:
      return unreachableRule(rule);
  }
}

function unreachableRule(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}

/** Applies VALUE_RULES to every value given on the command line. */
function checkValues(values: ParsedFlags['values']): void {
  for (const [name, value] of Object.entries(values)) {
    const rule = Object.hasOwn(VALUE_RULES, name) ? VALUE_RULES[name] : undefined;
    if (!rule) continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') checkValue(name, v, rule);
  }
}

/** File arguments that must exist and be files (a merge driver's inputs): a UsageError for the first that is not. */
export function requireFiles(paths: readonly string[]): void {
  for (const path of paths) {
    if (!existsSync(path)) throw new UsageError(`no such file: ${printableText(path)}`);
    if (!statSync(path).isFile()) throw new UsageError(`not a file: ${printableText(path)}`);
  }
}

/** One flag. `value` names its argument (`--budget N`); without it the flag is a switch. */
export interface OptionSpec {
  /** The long name without dashes: `time-scale`, `no-wait`. */
  name: string;
  short?: string;
  value?: string;
  description: string;
  /** Given more than once, the values collect into a list (`--only a --only b`). */
  repeatable?: boolean;
  default?: string;
}

/** A command as the parser, the help and the completion see it. */
export interface CommandSpec {
  name: string;
  /** What follows the command name in the usage line: `FILE [options]`. */
  synopsis: string;
  summary: string;
  description: string;
  options: readonly OptionSpec[];
  /** The exit codes this command uses, e.g. `0 ok, 2 invalid manifest`. */
  exitCodes: string;
}

/** A command with a declared spec (`spec`), or one that still carries its usage text (`usage`). */
export type AnyCommand = DeclaredCommand | UsageCommand;
export interface DeclaredCommand {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}
export interface UsageCommand {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** The node:util parseArgs shape some commands still declare their flags in. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;
export interface ParsedFlags {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export const EXIT_CODES = 'Exit codes: 0 ok, 1 jobs failed, 2 invalid input, 3 credits or budget, 130 interrupted.';

/** Flags of commands that talk to a backend. */
export const BACKEND_OPTIONS: readonly OptionSpec[] = [
  { name: 'backend', value: 'sim|useapi', description: 'force a backend (default: useapi when a token is set, else sim)' },
  { name: 'api-url', value: 'URL', description: 'API base URL (e.g. a standalone `pixrender sim`); needs a token' },
  { name: 'time-scale', value: 'F', description: 'simulator time scale (embedded sim, or to pace polling of a standalone one)' },
  { name: 'json', description: 'NDJSON events on stdout instead of the live view' },
  { name: 'plain', description: 'plain progress lines even on a terminal' },
];

/** `--only` / `--exclude`: which jobs a command works on (see src/select.ts). */
export const SELECT_OPTIONS: readonly OptionSpec[] = [
  { name: 'only', value: 'PATTERN', repeatable: true, description: 'only these jobs and what they need: an id or a glob such as hero[*] or hero[aspect=9:16,*] (repeatable)' },
  { name: 'exclude', value: 'PATTERN', repeatable: true, description: 'leave these jobs out; a job a selected one needs still comes along (repeatable)' },
];

/** SELECT_OPTIONS in the parseArgs shape, for commands that declare their flags that way. */
export const SELECT_FLAGS: FlagSpec = { only: { type: 'string', multiple: true }, exclude: { type: 'string', multiple: true } };

/** commander, loaded when a command line has flags or help is asked for (a plain `validate FILE` needs none). */
export const commander = (): typeof import('commander') => createRequire(import.meta.url)('commander') as typeof import('commander');

const specOf = (options: FlagSpec): OptionSpec[] =>
  Object.entries(options).map(([name, o]) => ({
    name,
    ...(o.short ? { short: o.short } : {}),
    ...(o.type === 'string' ? { value: 'VALUE' } : {}),
    ...(o.multiple ? { repeatable: true } : {}),
    ...(typeof o.default === 'string' ? { default: o.default } : {}),
    description: '',
  }));

function commanderOf(name: string, options: readonly OptionSpec[]): { cmd: Commander; read: (opts: Record<string, unknown>) => ParsedFlags['values'] } {
  const { Command, Option } = commander();
  const cmd = new Command('pixrender').command(name);
  const readers: ((opts: Record<string, unknown>, values: ParsedFlags['values']) => void)[] = [];
  for (const o of options) {
    const option = new Option(`${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` <${o.value}>` : ''}`, o.description);
    if (o.repeatable) option.argParser((v: string, previous: string[] | undefined) => [...(previous ?? []), v]);
    if (o.default !== undefined) option.default(o.default);
    cmd.addOption(option);
    const attribute = option.attributeName();
    // commander reads `--no-wait` as wait=false; the commands ask for `no-wait`.
    readers.push((opts, values) => {
      const v = opts[attribute];
      if (o.name.startsWith('no-')) values[o.name] = v === false ? true : undefined;
      else if (v !== undefined) values[o.name] = v as string | boolean | string[];
    });
  }
  return {
    cmd,
    read: (opts) => {
      const values: ParsedFlags['values'] = {};
      for (const r of readers) r(opts, values);
      return values;
    },
  };
}

/** The one-line usage of a command, to follow a usage error. */
export function usageLine(spec: CommandSpec): string {
  return `Usage: pixrender ${spec.name} ${spec.synopsis}`;
}

/** `--help` of a declared command: generated from the same declaration the parser uses. */
export function helpText(spec: CommandSpec): string {
  const { cmd } = commanderOf(spec.name, spec.options);
  cmd.usage(spec.synopsis).description(spec.description).helpOption('-h, --help', 'show this help');
  return `${cmd.helpInformation().trimEnd()}\n\nExit codes: ${spec.exitCodes}.`;
}

/** Parses a command line against a spec (or a parseArgs-style FlagSpec). Throws UsageError, with did-you-mean. */
export function parseFlags(argv: string[], spec: CommandSpec): ParsedFlags;
export function parseFlags(argv: string[], options: FlagSpec, usage: string): ParsedFlags;
export function parseFlags(argv: string[], spec: CommandSpec | FlagSpec, usage?: string): ParsedFlags {
  const declared = usage === undefined ? (spec as CommandSpec) : undefined;
  const name = declared?.name ?? /^Usage: pixrender (\S+)/.exec(usage ?? '')?.[1] ?? 'command';
  const options = declared ? declared.options : specOf(spec as FlagSpec);
  // Only operands: nothing for a parser to do but the defaults.
  if (argv.every((a) => !a.startsWith('-')))
    return { values: Object.fromEntries(options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default])), positionals: [...argv] };
  const { cmd, read } = commanderOf(name, options);
  cmd
    .argument('[args...]')
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof commander().CommanderError)) throw error;
    throw new UsageError(`${commanderMessage(error.message)}\nRun \`pixrender ${name} --help\` for its options.`);
  }
  const values = read(cmd.opts());
  checkValues(values);
  return { values, positionals: cmd.args };
}

/** commander's "error: unknown option '--jsn'\n(Did you mean --json?)" as one of our messages. */
export function commanderMessage(message: string): string {
  const text = message.replace(/^error: /, '').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A numeric flag (its range checked by VALUE_RULES when parsed), or a UsageError naming the flag and the value. */
export function numberFlag(flags: ParsedFlags, name: string, fallback?: number): number | undefined {
  const raw = flags.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${String(raw)}"`);
  return n;
}

/** --backend: sim or useapi, or undefined when not given. */
export function backendFlag(flags: ParsedFlags): 'sim' | 'useapi' | undefined {
  const backend = flags.values.backend;
  if (backend === undefined) return undefined;
  if (backend !== 'sim' && backend !== 'useapi') throw new UsageError(`--backend must be sim or useapi, got "${String(backend)}"`);
  return backend;
}

/** A URL flag (checked by VALUE_RULES when parsed), or undefined when not given. */
export function urlFlag(flags: ParsedFlags, name: string): string | undefined {
  const raw = flags.values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** A repeatable string flag as a list (empty when not given). */
export function listFlag(flags: ParsedFlags, name: string): string[] {
  const raw = flags.values[name];
  return Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
}

/** --only / --exclude as a Selection, or undefined when neither was given. */
export function selectionOf(flags: ParsedFlags): Selection | undefined {
  const only = listFlag(flags, 'only');
  const exclude = listFlag(flags, 'exclude');
  return only.length > 0 || exclude.length > 0 ? { only, exclude } : undefined;
}

/** Runs a command body, turning a UsageError into exit code 2 with the message on stderr. */
export async function withUsage(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`pixrender: ${printableText(maskSecrets(error.message, knownSecrets()))}\n`);
      return 2;
    }
    throw error;
  }
}
