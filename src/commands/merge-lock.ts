/** `pixrender merge-lock BASE OURS THEIRS [PATH]`: git's merge driver for lock files (see docs/git.md). */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from '../cli.js';
import { printable } from '../diagnostic.js';
import { serializeLock } from '../state/lock-file.js';
import { describeChoice, mergeLockTexts } from '../state/merge-lock.js';
import { parseFlags, requireFiles, UsageError, withUsage } from './args.js';

const usage = `Usage: pixrender merge-lock BASE OURS THEIRS [PATH]

Merges three versions of a lock file the way git's merge driver asks (%O %A %B, optionally %P) and
writes the result into OURS. Jobs changed on one side take that side; a job rendered differently on
both sides keeps the render completed last and is reported on stderr.

Set it up once per clone, and name the lock files in .gitattributes:
  git config merge.pixrender.driver "pixrender merge-lock %O %A %B %P"
  echo '*.lock merge=pixrender' >> .gitattributes

Exit codes: 0 merged (OURS holds the result), 1 cannot decide (a lock is unreadable; OURS untouched,
git reports a conflict), 2 invalid usage.`;

export const command: Command = {
  summary: 'git merge driver for lock files',
  usage,
  run: (argv) =>
    withUsage(async () => {
      const { positionals } = parseFlags(argv, {}, usage);
      if (positionals.length < 3 || positionals.length > 4) throw new UsageError(`expected BASE OURS THEIRS [PATH]\n\n${usage}`);
      const [basePath, oursPath, theirsPath, shownPath] = positionals as [string, string, string, string | undefined];
      requireFiles([basePath, oursPath, theirsPath]);
      const name = printable(shownPath ?? oursPath);
      const [base, ours, theirs] = await Promise.all([basePath, oursPath, theirsPath].map((p) => readFile(p, 'utf8')));
      const result = mergeLockTexts({ base: base!, ours: ours!, theirs: theirs! });
      if (!result.ok) {
        for (const p of result.problems) process.stderr.write(`pixrender merge-lock: ${name} (${p.side}): ${printable(p.problem)}\n`);
        process.stderr.write(`pixrender merge-lock: ${name}: cannot merge; resolve it by hand, or take one side and run \`pixrender render\`\n`);
        return 1;
      }
      await writeFile(oursPath, serializeLock(result.lock));
      for (const choice of result.choices) process.stderr.write(`pixrender merge-lock: ${name}: ${printable(describeChoice(choice))}\n`);
      return 0;
    }),
};
