import { resolve } from 'node:path';
import { settleAttempt, type SettleAction } from '../state/settle.js';
import { BACKEND_OPTIONS, parseFlags, SELECT_OPTIONS, UsageError, usageLine, withUsage, type CommandSpec, type DeclaredCommand } from './args.js';
import { runRender } from './render.js';
import { printRunners, projectStore } from './runners.js';

export const spec: CommandSpec = {
  name: 'status',
  synopsis: 'FILE [options]',
  summary: 'collect submitted jobs',
  description: `Collects jobs that an earlier run submitted (for example \`render --no-wait\`, an interrupted run, or
off-peak jobs that take hours): waits for them, downloads finished outputs and updates FILE.lock.
Submits nothing new.

A submit whose answer was lost and that the API cannot identify for sure is reported as an unknown
outcome with its candidate videos; it is never submitted again until you settle it with --adopt or
--abandon.

With a shared store (config \`store: postgres://…\` or $PIXRENDER_STORE) it first lists every runner:
the jobs it renders, the account slots it holds and how fresh its heartbeat is.`,
  options: [
    ...BACKEND_OPTIONS,
    { name: 'adopt', value: 'JOB=VIDEO_ID', repeatable: true, description: "that video is the job's render (it is collected like any submitted job)" },
    { name: 'abandon', value: 'JOB', repeatable: true, description: 'the submit created nothing: the next render submits the job again' },
    ...SELECT_OPTIONS,
  ],
  exitCodes: '0 ok, 1 jobs failed, 2 invalid input, 130 interrupted',
};

export const command: DeclaredCommand = {
  spec,
  run: (argv) =>
    withUsage(async () => {
      const { actions, rest } = settleFlags(argv);
      const [file] = parseFlags(rest, spec).positionals;
      if (actions.length > 0 && file) {
        for (const action of actions) {
          const result = await settleAttempt(resolve(file), action, await projectStore(file));
          if (!result.ok) throw new UsageError(result.message);
          process.stderr.write(action.kind === 'adopt' ? `${action.job}: recorded ${action.videoId} as its render.\n` : `${action.job}: recorded that its submit created nothing; the next render submits it.\n`);
        }
      }
      if (file && !rest.includes('--json')) await printRunners(file);
      return runRender(rest, 'collect', spec);
    }),
};

/** Takes --adopt/--abandon out of argv (the rest goes to the collect run). JOB may contain `=` (matrix ids). */
export function settleFlags(argv: string[]): { actions: SettleAction[]; rest: string[] } {
  const actions: SettleAction[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(adopt|abandon)(?:=(.*))?$/.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${m[1]} needs a value\n${usageLine(spec)}`);
    if (m[1] === 'abandon') {
      actions.push({ kind: 'abandon', job: value });
      continue;
    }
    const cut = value.lastIndexOf('=');
    if (cut <= 0 || cut === value.length - 1) throw new UsageError(`--adopt expects JOB=VIDEO_ID, got "${value}"`);
    actions.push({ kind: 'adopt', job: value.slice(0, cut), videoId: value.slice(cut + 1) });
  }
  return { actions, rest };
}
