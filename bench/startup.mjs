// Cold start of the CLI next to a bare `node -e 0`, run alternately so machine load hits both alike.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// Each process also reports its own CPU time: on a busy machine wall time mostly measures the queue.
const REPORT_CPU = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('cpu-us '+(u.user+u.system)+'\\n')})`;

function ms(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', REPORT_CPU, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu = Number(/cpu-us (\d+)/.exec(String(r.stderr))?.[1] ?? NaN) / 1000;
  return { wall, cpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall and CPU time of each command over `rounds` alternating runs, and each one's ratio to `node -e 0`. */
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
  const wall = (name) => median(times[name].map((t) => t.wall));
  const cpu = (name) => median(times[name].map((t) => t.cpu));
  const base = 'node -e 0';
  return Object.keys(times).map((command) => ({
    command,
    'wall ms': Math.round(wall(command)),
    'wall × node': +(wall(command) / wall(base)).toFixed(2),
    'cpu ms': Math.round(cpu(command)),
    'cpu × node': +(cpu(command) / cpu(base)).toFixed(2),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(benchStartup());
