/**
 * `pixrender completion bash|zsh|fish`: prints a completion script. The scripts ask
 * `pixrender completion --words -- WORDS…` for candidates, so commands, flags and the job ids of the
 * manifest on the line come from the same declarations the parser uses.
 */
import { existsSync } from 'node:fs';
import { COMMANDS } from './table.js';
import { UsageError, usageLine, withUsage, type AnyCommand, type CommandSpec, type DeclaredCommand } from './args.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

const spec: CommandSpec = {
  name: 'completion',
  synopsis: 'bash|zsh|fish',
  summary: 'print a shell completion script',
  description: `Prints a completion script for commands, flags, and the job ids of the manifest on the line
(after --only, --exclude, --adopt, --abandon). Install it with:
  bash: echo 'eval "$(pixrender completion bash)"' >> ~/.bashrc
  zsh:  pixrender completion zsh > "\${fpath[1]}/_pixrender"   (or: source <(pixrender completion zsh))
  fish: pixrender completion fish > ~/.config/fish/completions/pixrender.fish`,
  options: [],
  exitCodes: '0 ok, 2 unknown shell',
};

const BASH = `# pixrender completion for bash: eval "$(pixrender completion bash)"
_pixrender_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" words cur brk c
  read -ra words <<< "$line"
  [[ "$line" =~ [[:space:]]$ ]] && words+=("")
  cur="\${words[\${#words[@]}-1]}"
  # bash splits words at = and :, which job ids hold: offer only what follows the last one.
  brk="\${cur%"\${cur##*[=:]}"}"
  local -a candidates
  mapfile -t candidates < <(pixrender completion --words -- "\${words[@]:1}" 2>/dev/null)
  COMPREPLY=()
  for c in "\${candidates[@]}"; do
    [[ "$c" == "$cur"* ]] && COMPREPLY+=("\${c#"$brk"}")
  done
  return 0
}
complete -o default -F _pixrender_complete pixrender
`;

const ZSH = `#compdef pixrender
# pixrender completion for zsh: put in a folder of $fpath as _pixrender, or source <(pixrender completion zsh)
_pixrender() {
  local -a candidates
  candidates=("\${(@f)$(pixrender completion --words -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} )); then compadd -- "\${candidates[@]}"; else _files; fi
}
compdef _pixrender pixrender
`;

const FISH = `# pixrender completion for fish: pixrender completion fish > ~/.config/fish/completions/pixrender.fish
function __pixrender_complete
    set -l words (commandline -opc) (commandline -ct)
    pixrender completion --words -- $words[2..-1] 2>/dev/null
end
complete -c pixrender -a '(__pixrender_complete)'
`;

const SCRIPTS: Record<(typeof SHELLS)[number], string> = { bash: BASH, zsh: ZSH, fish: FISH };

/** Flags whose value is a job id of the manifest. */
const JOB_FLAGS: Record<string, string> = { '--only': '', '--exclude': '', '--adopt': '=', '--abandon': '' };

/** A command's long flags: from its spec, or (older style) the flags its usage text lists. */
export function flagsOf(cmd: AnyCommand): string[] {
  const flags = 'spec' in cmd ? cmd.spec.options.map((o) => `--${o.name}`) : [...new Set(cmd.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
  return [...flags.filter((f) => f !== '--help'), '--help'];
}

async function jobIds(words: string[]): Promise<string[]> {
  const file = words.find((w) => /\.ya?ml$/i.test(w) && existsSync(w));
  if (!file) return [];
  const [{ loadProjectConfig }, { loadManifest }, { dirname, resolve }] = await Promise.all([import('../config.js'), import('../manifest/index.js'), import('node:path')]);
  const config = await loadProjectConfig(dirname(resolve(file)));
  const loaded = await loadManifest(file, { config: config.config });
  return loaded.manifest?.jobs.map((j) => j.id) ?? [];
}

/** Candidates for the last of `words` (the words after `pixrender`, the last one being typed). */
export async function candidates(words: string[]): Promise<string[]> {
  const current = words.at(-1) ?? '';
  if (words.length <= 1) return Object.keys(COMMANDS);
  const name = words[0]!;
  if (!Object.hasOwn(COMMANDS, name)) return [];
  const previous = words.at(-2) ?? '';
  if (previous in JOB_FLAGS) return (await jobIds(words)).map((id) => id + JOB_FLAGS[previous]);
  if (current.startsWith('-')) return flagsOf(await COMMANDS[name]!.load());
  if (name === 'completion') return [...SHELLS];
  if (name === 'help' && words.length === 2) return Object.keys(COMMANDS);
  return [];
}

export const command: DeclaredCommand = {
  spec,
  run: (argv) =>
    withUsage(async () => {
      if (argv[0] === '--words') {
        const words = argv[1] === '--' ? argv.slice(2) : argv.slice(1);
        for (const c of await candidates(words)) process.stdout.write(`${c}\n`);
        return 0;
      }
      const shell = argv[0];
      if (argv.length !== 1 || !SHELLS.includes(shell as (typeof SHELLS)[number])) throw new UsageError(`expected bash, zsh or fish\n${usageLine(spec)}`);
      process.stdout.write(SCRIPTS[shell as (typeof SHELLS)[number]]);
      return 0;
    }),
};
