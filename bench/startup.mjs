// Cold start of the CLI next to a bare `node -e 0`, run alternately so machine load hits both alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function ms(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const elapsed = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return elapsed;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of each command over `rounds` alternating runs, and each one's ratio to `node -e 0`. */
export function benchStartup({ rounds = 15 } = {}) {
  const commands = {
    'node -e 0': ['-e', '0'],
    'pixrender validate examples/quickstart.yaml': [cli, 'validate', 'examples/quickstart.yaml'],
    'pixrender plan examples/quickstart.yaml': [cli, 'plan', 'examples/quickstart.yaml'],
    'pixrender --version': [cli, '--version'],
  };
  const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < rounds + 1; i++)
    for (const [name, args] of Object.entries(commands)) {
      const t = ms(args);
      if (i > 0) times[name].push(t); // the first round warms the disk cache
    }
  const base = median(times['node -e 0']);
  return Object.entries(times).map(([command, xs]) => ({ command, 'median ms': Math.round(median(xs)), '× node -e 0': +(median(xs) / base).toFixed(2) }));
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(benchStartup());
