/**
 * Outputs the disk would not let stay in the project or be written, found before anything is
 * submitted: a folder on the way that is a symbolic link leading out (`output-outside`), an output
 * file that is itself a link to a file elsewhere (`output-outside`), a file where a folder must be
 * created or a folder where the output file goes, or a folder without write permission
 * (`output-unwritable`). Each folder is resolved and listed once; files are not touched one by one.
 */
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import { refusalCause } from '../state/fs.js';
import { inside } from './outputs-guard.js';

export interface LinkFs {
  realpath(path: string): Promise<string | Uint8Array>;
  /** With `withFileTypes`, entries with `name`, `isSymbolicLink()` and `isDirectory()`. */
  readdir(path: string, options: { withFileTypes: true }): Promise<readonly unknown[]>;
  stat(path: string): Promise<{ isFile(): boolean }>;
  access(path: string, mode?: number): Promise<void>;
}

const text = (p: string | Uint8Array): string => (typeof p === 'string' ? p : new TextDecoder().decode(p));

interface Resolved {
  /** The real path: the deepest existing part resolved, the rest (not created yet) appended. */
  real: string;
  /** The deepest part of the path that exists. */
  existing: string;
}

async function resolveExisting(fs: LinkFs, path: string): Promise<Resolved> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return { real: join(text(await fs.realpath(current)), ...rest.reverse()), existing: current };
    } catch {
      const parent = dirname(current);
      if (parent === current) return { real: path, existing: current };
      rest.push(basename(current));
      current = parent;
    }
  }
}

export async function realPathOf(fs: LinkFs, path: string): Promise<string> {
  return (await resolveExisting(fs, path)).real;
}

interface Listing {
  links: Set<string>;
  folders: Set<string>;
}

/** Names of the symbolic links and of the folders in a folder; none when it does not exist yet. */
async function list(fs: LinkFs, folder: string): Promise<Listing> {
  try {
    const entries = (await fs.readdir(folder, { withFileTypes: true })) as readonly { name: unknown; isSymbolicLink(): boolean; isDirectory(): boolean }[];
    return {
      links: new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => String(e.name))),
      folders: new Set(entries.filter((e) => e.isDirectory()).map((e) => String(e.name))),
    };
  } catch {
    return { links: new Set(), folders: new Set() };
  }
}

/** Why files cannot be written under `folder` whose deepest existing part is `existing`, or undefined. */
async function unwritable(fs: LinkFs, folder: string, existing: string): Promise<string | undefined> {
  try {
    if ((await fs.stat(existing)).isFile()) return `${existing} is a file, not a folder`;
    await fs.access(existing, constants.W_OK);
    return undefined;
  } catch (e) {
    return `${refusalCause(e) ?? 'permission denied'} (${existing === folder ? 'it' : existing})`;
  }
}

export async function checkOutputFolders(fs: LinkFs, root: string, outputs: readonly { file: string; location: SourceLocation }[]): Promise<Diagnostic[]> {
  if (outputs.length === 0) return [];
  const realRoot = await realPathOf(fs, root);
  const folders = new Map<string, SourceLocation>();
  for (const o of outputs) if (!folders.has(dirname(o.file))) folders.set(dirname(o.file), o.location);
  const found: Diagnostic[] = [];
  const error = (code: string, message: string, location: SourceLocation, hint: string): Diagnostic => ({ severity: 'error', code, message, location, hint });
  const outsideHint = 'remove the link, or name that folder as outputDir in the project config';
  const listings = new Map<string, Listing>();
  await Promise.all(
    [...folders].map(async ([folder, location]) => {
      const { real, existing } = await resolveExisting(fs, folder);
      if (!inside(realRoot, real)) {
        found.push(error('output-outside', `the output folder ${folder} leads outside the project through a symbolic link (to ${real})`, location, outsideHint));
        return;
      }
      const problem = await unwritable(fs, folder, existing);
      if (problem) {
        found.push(error('output-unwritable', `the output folder ${folder} cannot be written: ${problem}`, location, 'move what is in the way, or choose another output folder'));
        return;
      }
      listings.set(folder, await list(fs, folder));
    }),
  );
  await Promise.all(
    outputs.map(async (o) => {
      const listing = listings.get(dirname(o.file));
      const name = basename(o.file);
      if (listing?.folders.has(name))
        found.push(error('output-unwritable', `the output ${o.file} is a folder`, o.location, 'move the folder, or choose another output file pattern'));
      else if (listing?.links.has(name)) {
        const real = await realPathOf(fs, o.file);
        if (!inside(realRoot, real)) found.push(error('output-outside', `the output ${o.file} leads outside the project through a symbolic link (to ${real})`, o.location, outsideHint));
      }
    }),
  );
  return found;
}
