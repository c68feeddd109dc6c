/**
 * `pixrender validate FILE...`: loads each manifest (with the project config found from its folder)
 * and prints every diagnostic to stderr, and `FILE: ok (N jobs)` to stdout for valid ones.
 * Exit 0 when all are valid, 2 otherwise. Bad input is never a stack trace.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from '../cli.js';
import { loadProjectConfig, type ConfigResult } from '../config.js';
import { formatDiagnostic, hasErrors, printable, unreachable, withSourceTexts, type Diagnostic } from '../diagnostic.js';
import { DIAGNOSTIC_FORMATS, diagnosticRecord, githubAnnotation, type DiagnosticFormat, type DiagnosticRecord } from '../diagnostic-formats.js';
import { loadCatalog, type CatalogOverrides } from '../catalog.js';
import { loadWithTemplates } from '../templates/source.js';
import { parseFlags, UsageError, withUsage } from './args.js';

const usage = `Usage: pixrender validate FILE... [--json | --format text|json|github]

Checks manifests without rendering anything: YAML syntax, the schema (schemas/manifest.schema.json),
job references and cycles, variables, assets on disk, and models, qualities, durations, effects,
voices and styles against the catalog. Each manifest uses the project config found from its
folder upwards (pixrender.config.*, .pixrenderrc*, or "pixrender" in package.json).

Prints diagnostics as FILE:LINE:COL severity[CODE] message to stderr, and "FILE: ok (N jobs)"
to stdout for each valid manifest. Codes are listed in docs/manifest.md.

Options:
  --json              print one JSON object on stdout: every manifest with its diagnostics (file, line,
                      column, code, severity, message, hint); also when a manifest is invalid or unreadable
  --format FORMAT     text (default), json (as --json), or github: GitHub Actions annotations
                      (::error file=…,line=…,col=…::message) on stdout
  -h, --help          show this help

Exit codes: 0 all manifests valid (warnings allowed), 2 any error.`;

export const command: Command = {
  summary: 'check manifests and print diagnostics',
  usage,
  run: (argv) => withUsage(() => validate(argv)),
};

async function validate(argv: string[]): Promise<number> {
  const { positionals, values } = parseFlags(argv, { json: { type: 'boolean' }, format: { type: 'string' } }, usage);
  const format = chosenFormat(values.json === true, values.format);
  if (positionals.length === 0) throw new UsageError(`validate needs at least one manifest file\n\n${usage}`);
  const configs = new Map<string, Promise<ConfigResult>>();
  const reportedConfigs = new Set<string>();
  const checked: CheckedManifest[] = [];
  for (const file of positionals) {
    const dir = dirname(resolve(file));
    if (!configs.has(dir)) configs.set(dir, loadProjectConfig(dir));
    // One config per folder; each config's problems are printed once.
    const config = await configs.get(dir)!;
    const configKey = config.file ?? '';
    const diagnostics: Diagnostic[] = [];
    let sources: ReadonlyMap<string, string> = config.sources ?? new Map();
    if (config.diagnostics.length > 0 && !reportedConfigs.has(configKey)) {
      reportedConfigs.add(configKey);
      diagnostics.push(...config.diagnostics);
    }
    if (hasErrors(config.diagnostics)) {
      checked.push({ file, jobs: null, diagnostics, sources, note: 'not checked, the project config has errors' });
      continue;
    }
    const result = await loadWithTemplates(file, { config: config.config, catalog: loadCatalog(config.config.catalog as CatalogOverrides | undefined) });
    diagnostics.push(...result.diagnostics);
    sources = new Map([...sources, ...result.sources]);
    checked.push({ file, jobs: result.manifest ? result.manifest.jobs.length : null, diagnostics, sources });
  }
  const allValid = checked.every((c) => c.jobs !== null);
  switch (format) {
    case 'json':
      process.stdout.write(`${JSON.stringify(validationJson(checked), null, 2)}\n`);
      break;
    case 'github':
      for (const c of checked) for (const d of c.diagnostics) process.stdout.write(`${githubAnnotation(forGithub(diagnosticRecord(d, c.sources, c.file)))}\n`);
      break;
    case 'text':
      for (const c of checked) printText(c);
      break;
    default:
      unreachable(format);
  }
  return allValid ? 0 : 2;
}

interface CheckedManifest {
  file: string;
  /** The number of jobs of a valid manifest; null when it is invalid or was not checked. */
  jobs: number | null;
  diagnostics: Diagnostic[];
  sources: ReadonlyMap<string, string>;
  note?: string;
}

function chosenFormat(json: boolean, format: unknown): DiagnosticFormat {
  if (format === undefined) return json ? 'json' : 'text';
  if (!DIAGNOSTIC_FORMATS.includes(format as DiagnosticFormat)) throw new UsageError(`--format must be ${DIAGNOSTIC_FORMATS.join(', ')}; got "${String(format)}"`);
  if (json && format !== 'json') throw new UsageError(`--json and --format ${String(format)} contradict each other`);
  return format as DiagnosticFormat;
}

/** The --json shape: `valid` overall, then per manifest. */
function validationJson(checked: CheckedManifest[]) {
  return {
    valid: checked.every((c) => c.jobs !== null),
    manifests: checked.map((c) => ({
      file: c.file,
      valid: c.jobs !== null,
      jobs: c.jobs,
      errors: c.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: c.diagnostics.filter((d) => d.severity === 'warning').length,
      diagnostics: c.diagnostics.map((d) => diagnosticRecord(d, c.sources, c.file)),
    })),
  };
}

/** GitHub resolves annotation paths from the workspace: paths relative to the current folder. */
function forGithub(r: DiagnosticRecord): DiagnosticRecord {
  return r.file !== null && isAbsolute(r.file) ? { ...r, file: relative(process.cwd(), r.file) || r.file } : r;
}

function printText(c: CheckedManifest): void {
  printDiagnostics(c.diagnostics, c.sources);
  if (c.note) process.stderr.write(`${printable(c.file)}: ${c.note}\n`);
  if (c.jobs === null) return;
  const warnings = c.diagnostics.filter((d) => d.severity === 'warning').length;
  process.stdout.write(`${printable(c.file)}: ok (${c.jobs} job${c.jobs === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
}

function printDiagnostics(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>): void {
  const texts = withSourceTexts(diagnostics, sources);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, texts)}\n\n`);
}
