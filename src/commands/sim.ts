/** `pixrender sim`: runs the PixVerse API simulator as a standalone HTTP server until SIGINT/SIGTERM. */
import type { Command } from '../cli.js';
import { numberFlag, parseFlags, UsageError, withUsage, type FlagSpec } from './args.js';
import type { SimulatorOptions } from '../sim/index.js';

const USAGE = `Usage: pixrender sim [options]

Runs a local simulator of useapi.net's PixVerse API v2 on 127.0.0.1 and prints its base URL and token.
Stops cleanly on Ctrl+C (SIGINT) or SIGTERM.

Options:
  --port N               port to listen on (default 0: a free port)
  --token T              bearer token to accept (default: a random user:<n>-<alnum> token)
  --accounts N           number of accounts render01@sim.pixrender.local, … (default 1)
  --max-jobs N           maxJobs of each account (default 5)
  --credits N            starting credits of each account (default 15000)
  --time-scale F         multiplies simulated durations; 0.01 makes a 45 s job take 0.45 s (default 1)
  --off-peak-wait S      seconds an off-peak job waits before it is queued, before scaling (default 3600)
  --off-peak-discount F  plan off-peak price factor, charged and reported by GET features (default 0.7)
  --preview-discount F   plan preview-mode price factor, charged and reported by GET features (default 0.8)
  --off-peak-free-slot   off-peak jobs do not hold a maxJobs slot while they wait
  --failure-rate P       probability 0…1 that an accepted job ends FAILED (default 0)
  --faults SPEC          comma-separated faults, e.g. 500=0.05,reset=0.02,reset-after=0.02,latency=50-200,
                         truncate=0.1,storm=0.3,storm-window=10000-20000 (probabilities 0…1, times in ms)
  --seed N               seed of every random choice, so a run replays (default 1)
  --media-dir DIR        cache of generated media (default $PIXRENDER_SIM_MEDIA_DIR or <tmp>/pixrender-sim-media)
  --anonymous            answer like the real API: no x-pixrender-simulator header, so clients treat it as one
  --state-file FILE      keep accounts, balances, jobs and uploads in FILE so a restart continues (default: none);
                         without --token the saved token is reused

Prompts containing "sim:reject" are refused with 422; "sim:moderate" ends status 7, "sim:fail" status 8.
Stats: GET <origin>/__sim/stats.`;

const FLAGS: FlagSpec = {
  port: { type: 'string' },
  token: { type: 'string' },
  accounts: { type: 'string' },
  'max-jobs': { type: 'string' },
  credits: { type: 'string' },
  'time-scale': { type: 'string' },
  'off-peak-wait': { type: 'string' },
  'off-peak-discount': { type: 'string' },
  'preview-discount': { type: 'string' },
  'off-peak-free-slot': { type: 'boolean' },
  'failure-rate': { type: 'string' },
  faults: { type: 'string' },
  seed: { type: 'string' },
  'media-dir': { type: 'string' },
  'state-file': { type: 'string' },
  anonymous: { type: 'boolean' },
};

/** The simulator options for a `pixrender sim` command line; throws UsageError on bad flags. */
export async function parseSimArgs(argv: string[]): Promise<SimulatorOptions> {
  const flags = parseFlags(argv, FLAGS, USAGE);
  if (flags.positionals.length > 0) throw new UsageError(`unexpected argument "${flags.positionals[0]}"\n\n${USAGE}`);
  const options: SimulatorOptions = {};
  const set = <K extends keyof SimulatorOptions>(key: K, value: SimulatorOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  // Ranges are checked by parseFlags (VALUE_RULES in args.ts).
  set('port', numberFlag(flags, 'port'));
  const token = flags.values.token;
  if (typeof token === 'string') {
    if (token.trim() === '') throw new UsageError('--token must not be empty');
    options.token = token;
  }
  set('accounts', numberFlag(flags, 'accounts'));
  set('maxJobs', numberFlag(flags, 'max-jobs'));
  set('credits', numberFlag(flags, 'credits'));
  set('timeScale', numberFlag(flags, 'time-scale'));
  set('offPeakWaitSeconds', numberFlag(flags, 'off-peak-wait'));
  set('offPeakDiscount', numberFlag(flags, 'off-peak-discount'));
  set('previewDiscount', numberFlag(flags, 'preview-discount'));
  if (flags.values['off-peak-free-slot'] === true) options.offPeakHoldsSlot = false;
  if (flags.values.anonymous === true) options.identify = false;
  const failureRate = numberFlag(flags, 'failure-rate');
  if (failureRate !== undefined) options.moderation = { failureRate };
  set('seed', numberFlag(flags, 'seed'));
  if (typeof flags.values['media-dir'] === 'string') options.mediaDir = flags.values['media-dir'];
  if (typeof flags.values['state-file'] === 'string') options.stateFile = flags.values['state-file'];
  if (typeof flags.values.faults === 'string') {
    const { parseFaultSpec } = await import('../sim/faults.js');
    try {
      options.faults = parseFaultSpec(flags.values.faults);
    } catch (error) {
      throw new UsageError(`--faults: ${(error as Error).message}`);
    }
  }
  return options;
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export const command: Command = {
  summary: 'run the PixVerse API simulator as a standalone HTTP server',
  usage: USAGE,
  run: (argv) =>
    withUsage(async () => {
      const options = await parseSimArgs(argv);
      const [{ startSimulator }, { SimStateError }] = await Promise.all([import('../sim/index.js'), import('../sim/persistence.js')]);
      let sim: Awaited<ReturnType<typeof startSimulator>>;
      try {
        sim = await startSimulator(options);
      } catch (error) {
        if (error instanceof SimStateError) throw new UsageError(error.message);
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        process.stderr.write(`pixrender sim: port ${options.port} is already in use\n`);
        return 2;
      }
      const stopped = nextStopSignal();
      const accounts = sim.stats().accounts;
      process.stdout.write(
        [
          'PixVerse API simulator listening',
          `  base URL  ${sim.url}`,
          `  token     ${sim.token}`,
          ...Object.entries(accounts).map(([email, a], i) => `  ${i === 0 ? 'accounts ' : '         '} ${email} (maxJobs ${a.maxJobs}, ${a.credits} credits)`),
          `  seed      ${sim.seed}`,
          `  stats     ${sim.origin}/__sim/stats`,
          'Press Ctrl+C to stop.',
          '',
        ].join('\n'),
      );
      const signal = await stopped;
      await sim.close();
      process.stdout.write(`Simulator stopped (${signal}).\n`);
      return 0;
    }),
};
