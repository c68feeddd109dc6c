/** `pixrender gallery FILE`: a self-contained static gallery of the manifest's renders. */
import { spawn } from 'node:child_process';
import type { Command } from '../cli.js';
import { formatDiagnostic } from '../diagnostic.js';
import { parseFlags, UsageError, withUsage } from './args.js';

const usage = `Usage: pixrender gallery FILE [--out DIR] [--open]

Writes DIR/index.html: every job's clip (with a poster frame, made by ffmpeg), its prompt, model,
quality, duration, seed, credits planned and charged, off-peak or not, backend (simulator renders are
marked), state (cached, stale and why, failed with the API's message, pending) and lineage; matrix
cells in a grid, \`then:\` steps in order, post steps (concat, contact sheet), versions kept aside in
.pixrender/aside/ beside the current one, and a cost panel.
Clips are linked by relative paths, so the folder can be zipped, committed or served as it is.
Nothing is rendered or submitted. For a page that updates as jobs finish: pixrender watch FILE --serve.

Options:
  --out DIR     where index.html and gallery-posters/ go (default: the manifest's output folder)
  --open        open the page in the default browser
  -h, --help    show this help

Exit codes: 0 written, 2 invalid manifest or options.`;

export const command: Command = {
  summary: 'write a static HTML gallery of the renders (clips, metadata, lineage, credits)',
  usage,
  run: (argv) => withUsage(() => runGallery(argv)),
};

async function runGallery(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { out: { type: 'string' }, open: { type: 'boolean' } }, usage);
  const [file, ...extra] = flags.positionals;
  if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n\n${usage}`);
  const { writeGallery } = await import('../gallery/write.js');
  const out = flags.values.out;
  const result = await writeGallery(file, typeof out === 'string' ? { out } : {});
  if (!result.ok) {
    for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d, result.sources)}\n`);
    return 2;
  }
  const cards = [...result.model.cards.values()];
  process.stdout.write(`Wrote ${result.index} (${cards.length} jobs, ${cards.filter((c) => c.clip).length} clips, ${Math.ceil(result.bytes / 1024)} kB)\n`);
  if (flags.values.open) openInBrowser(result.index);
  return 0;
}

function openInBrowser(target: string): void {
  const [cmd, ...args] = process.platform === 'darwin' ? ['open', target] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', target] : ['xdg-open', target];
  const child = spawn(cmd!, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`pixrender: could not open a browser; open ${target}\n`));
  child.unref();
}
