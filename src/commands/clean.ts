/** `pixrender clean FILE [--dry-run]`: removes what src/clean.ts finds, under the manifest's run lock. */
import { relative, resolve } from 'node:path';
import { printable } from '../diagnostic.js';
import { parseFlags, UsageError, usageLine, withUsage, type CommandSpec, type DeclaredCommand } from './args.js';
import { printDiagnostics, projectFolderProblem } from './report.js';

const spec: CommandSpec = {
  name: 'clean',
  synopsis: 'FILE [--dry-run]',
  summary: 'remove renders no longer in the manifest',
  description: `Removes files pixrender wrote for FILE that it no longer names: renders of dropped or
renamed jobs, outputs of dropped post steps, copies of superseded renders in .pixrender/aside/, and
watch --preview renders. A file goes only with proof that pixrender wrote exactly its bytes: the
sha256 it recorded when it wrote them (the lock, or .pixrender/FILE.written.json), checked again right
before the file is removed; a file changed since is kept, and a claims-file entry alone is never proof.
Nothing outside the project, no symbolic link, and never the manifest, its lock or the project config.
Waits for no running render: a run in progress makes clean refuse.`,
  options: [{ name: 'dry-run', short: 'n', description: 'list what would be removed and what is kept, remove nothing' }],
  exitCodes: '0 ok, 2 invalid manifest or a run in progress',
};

export const command: DeclaredCommand = {
  spec,
  run: (argv) =>
    withUsage(async () => {
      const flags = parseFlags(argv, spec);
      const [file, ...extra] = flags.positionals;
      if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n${usageLine(spec)}`);
      const dryRun = flags.values['dry-run'] === true;
      const blocked = await projectFolderProblem(file, { write: !dryRun });
      if (blocked) {
        process.stderr.write(`pixrender: ${blocked}\n`);
        return 2;
      }
      const [{ loadProjectConfig }, { loadManifest }, { planClean, applyClean }, { openFileStore, readStateSnapshot }, { dirname }] = await Promise.all([
        import('../config.js'),
        import('../manifest/index.js'),
        import('../clean.js'),
        import('../state/file-store.js'),
        import('node:path'),
      ]);
      const config = await loadProjectConfig(dirname(resolve(file)));
      const loaded = await loadManifest(file, { config: config.config });
      printDiagnostics([...config.diagnostics, ...loaded.diagnostics], loaded.sources);
      if (!loaded.manifest || loaded.diagnostics.some((d) => d.severity === 'error')) {
        process.stderr.write('pixrender: clean needs a valid manifest to know which outputs it still uses\n');
        return 2;
      }
      const manifest = loaded.manifest;
      const guarded = [resolve(file), `${resolve(file)}.lock`, ...(config.file ? [config.file] : [])];
      const shown = (p: string) => printable(relative(process.cwd(), p) || p);
      // A real clean holds the run lock, so a render cannot be writing what it removes.
      const store = dryRun ? undefined : await openFileStore(resolve(file));
      try {
        const lock = store ? (await store.load()).lock : (await readStateSnapshot(resolve(file))).lock;
        const plan = await planClean(manifest, lock, guarded);
        const done = dryRun ? plan.remove : await applyClean(plan);
        for (const item of done) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${shown(item.path)}: ${item.why}\n`);
        for (const k of plan.kept) process.stdout.write(`kept ${shown(k.path)}: ${k.why}\n`);
        if (done.length === 0) process.stdout.write('nothing to remove\n');
        return 0;
      } finally {
        await store?.close();
      }
    }),
};
