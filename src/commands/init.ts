/**
 * `pixrender init [DIR]`: a project to start from. Writes only files that are not there yet and says
 * which it kept, so running it in an existing project is safe.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { printable } from '../diagnostic.js';
import { parseFlags, UsageError, usageLine, withUsage, type CommandSpec, type DeclaredCommand } from './args.js';

/** Where the schemas sit once pixrender is installed in a project (package.json `files` ships them). */
export const PUBLISHED_SCHEMA_DIR = 'node_modules/pixrender/schemas';

export const MANIFEST_FILE = 'video.yaml';

const spec: CommandSpec = {
  name: 'init',
  synopsis: '[DIR]',
  summary: 'start a project',
  description: `Writes a project to start from into DIR (default: the current folder):
  ${MANIFEST_FILE}             a manifest that validates, two cheap jobs; its $schema line points at
                         ${PUBLISHED_SCHEMA_DIR}/manifest.schema.json (npm install pixrender)
  pixrender.config.yaml  the project config (backend, token variable, defaults)
  .gitignore             keeps .pixrender/ and the renders out of git (the lock file stays in)
  .gitattributes         merges lock files with \`pixrender merge-lock\`
A file that exists already is kept as it is.`,
  options: [],
  exitCodes: '0 written (or all kept), 2 invalid arguments or a folder that cannot be written',
};

const MANIFEST = `# yaml-language-server: $schema=${PUBLISHED_SCHEMA_DIR}/manifest.schema.json
#
# Two cheap jobs (360p, 5 s); the second continues the first.
#   npx pixrender plan ${MANIFEST_FILE}     # what renders and what it costs
#   npx pixrender render ${MANIFEST_FILE}   # renders into renders/<name>/ and writes ${MANIFEST_FILE}.lock
version: 1
name: first-video

defaults:
  quality: 360p
  duration: 5

jobs:
  opening:
    prompt: Slow dolly-in on a lighthouse at dusk, waves crashing, volumetric fog

  night:
    extend: opening
    prompt: Night falls and the lighthouse beam sweeps across the sea
`;

const CONFIG = `# yaml-language-server: $schema=${PUBLISHED_SCHEMA_DIR}/config.schema.json
#
# Project settings for every manifest in this folder and below. The token itself never goes here:
# put it in the environment variable named by tokenEnv (without one, renders use the simulator).
tokenEnv: USEAPI_TOKEN
# Job settings for every manifest of the project, e.g. off-peak (cheaper, can wait hours):
# defaults:
#   offPeak: auto
`;

const GITIGNORE = `# pixrender: state (journals, run locks, set-aside copies) and rendered media.
# Keep the *.lock files: they record what was rendered and paid for.
.pixrender/
renders/
`;

const GITATTRIBUTES = `# Lock files of two branches merge with pixrender's driver. Enable it once per clone:
#   git config merge.pixrender.driver "npx pixrender merge-lock %O %A %B"
*.yaml.lock merge=pixrender
*.yml.lock merge=pixrender
`;

export const INIT_FILES: readonly { name: string; text: string }[] = [
  { name: MANIFEST_FILE, text: MANIFEST },
  { name: 'pixrender.config.yaml', text: CONFIG },
  { name: '.gitignore', text: GITIGNORE },
  { name: '.gitattributes', text: GITATTRIBUTES },
];

export type InitResult = { name: string; kind: 'written' | 'kept' };

/** Writes the files that are missing (exclusive create: an existing file is never replaced). */
export async function initProject(dir: string): Promise<InitResult[]> {
  await mkdir(dir, { recursive: true });
  const results: InitResult[] = [];
  for (const file of INIT_FILES) {
    try {
      await writeFile(join(dir, file.name), file.text, { flag: 'wx' });
      results.push({ name: file.name, kind: 'written' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      results.push({ name: file.name, kind: 'kept' });
    }
  }
  return results;
}

export const command: DeclaredCommand = {
  spec,
  run: (argv) =>
    withUsage(async () => {
      const { positionals } = parseFlags(argv, spec);
      if (positionals.length > 1) throw new UsageError(`expected at most one folder\n${usageLine(spec)}`);
      const dir = positionals[0] ?? '.';
      const results = await initProject(dir);
      const shown = (name: string) => printable(relative(process.cwd(), join(dir, name)) || name);
      for (const r of results) process.stdout.write(r.kind === 'written' ? `wrote ${shown(r.name)}\n` : `kept ${shown(r.name)} (it exists; not changed)\n`);
      const manifest = shown(MANIFEST_FILE);
      process.stdout.write(
        `\nNext: npm install --save-dev pixrender (for the $schema lines), then\n  npx pixrender plan ${manifest}\n  npx pixrender render ${manifest}\n` +
          'Lock files merge cleanly across branches once you run:\n  git config merge.pixrender.driver "npx pixrender merge-lock %O %A %B"\n',
      );
      return 0;
    }),
};
