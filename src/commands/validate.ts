/**
 * `pixrender validate FILE...`: loads each manifest (with the project config found from its folder)
 * and prints every diagnostic to stderr, and `FILE: ok (N jobs)` to stdout for valid ones.
 * Exit 0 when all are valid, 2 otherwise. Bad input is never a stack trace.
 */
import { dirname, resolve } from 'node:path';
import type { Command } from '../cli.js';
import { loadProjectConfig, type ConfigResult } from '../config.js';
import { formatDiagnostic, hasErrors, printable, withSourceTexts, type Diagnostic } from '../diagnostic.js';
import { loadCatalog, type CatalogOverrides } from '../catalog.js';
import { loadWithTemplates } from '../templates/source.js';
import { parseFlags, UsageError, withUsage } from './args.js';

const usage = `Usage: pixrender validate FILE...

Checks manifests without rendering anything: YAML syntax, the schema (schemas/manifest.schema.json),
job references and cycles, variables, assets on disk, and models, qualities, durations, effects,
voices and styles against the catalog. Each manifest uses the project config found from its
folder upwards (pixrender.config.*, .pixrenderrc*, or "pixrender" in package.json).

Prints diagnostics as FILE:LINE:COL severity[CODE] message to stderr, and "FILE: ok (N jobs)"
to stdout for each valid manifest. Codes are listed in docs/manifest.md.

Options:
  -h, --help   show this help

Exit codes: 0 all manifests valid (warnings allowed), 2 any error.`;

export const command: Command = {
  summary: 'check manifests and print diagnostics',
  usage,
  run: (argv) => withUsage(() => validate(argv)),
};

async function validate(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, usage);
  if (positionals.length === 0) throw new UsageError(`validate needs at least one manifest file\n\n${usage}`);
  const configs = new Map<string, Promise<ConfigResult>>();
  const reportedConfigs = new Set<string>();
  let allValid = true;
  for (const file of positionals) {
    const dir = dirname(resolve(file));
    if (!configs.has(dir)) configs.set(dir, loadProjectConfig(dir));
    // One config per folder; each config's problems are printed once.
    const config = await configs.get(dir)!;
    const configKey = config.file ?? '';
    if (config.diagnostics.length > 0 && !reportedConfigs.has(configKey)) {
      reportedConfigs.add(configKey);
      printDiagnostics(config.diagnostics, config.sources ?? new Map());
    }
    if (hasErrors(config.diagnostics)) {
      allValid = false;
      process.stderr.write(`${printable(file)}: not checked, the project config has errors\n`);
      continue;
    }
    const result = await loadWithTemplates(file, { config: config.config, catalog: loadCatalog(config.config.catalog as CatalogOverrides | undefined) });
    printDiagnostics(result.diagnostics, result.sources);
    if (!result.manifest) {
      allValid = false;
      continue;
    }
    const jobs = result.manifest.jobs.length;
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
    process.stdout.write(`${printable(file)}: ok (${jobs} job${jobs === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''})\n`);
  }
  return allValid ? 0 : 2;
}

function printDiagnostics(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>): void {
  const texts = withSourceTexts(diagnostics, sources);
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, texts)}\n\n`);
}
