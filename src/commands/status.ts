import type { Command } from '../cli.js';
import { withUsage } from './args.js';
import { runRender } from './render.js';

const usage = `Usage: pixrender status FILE [options]

Collects jobs that an earlier run submitted (for example \`render --no-wait\`, an interrupted run, or
off-peak jobs that take hours): waits for them, downloads finished outputs and updates FILE.lock.
Submits nothing new.

Options:
  --backend sim|useapi   force a backend (default: useapi when a token is set, else sim)
  --api-url URL          API base URL; needs a token
  --time-scale F         simulator time scale
  --json                 NDJSON events on stdout
  --plain                plain progress lines even on a terminal
  -h, --help             show this help`;

export const command: Command = {
  summary: 'collect submitted jobs',
  usage,
  run: (argv) => withUsage(() => runRender(argv, 'collect', usage)),
};
