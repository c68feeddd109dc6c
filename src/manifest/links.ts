/**
 * Outputs that a symbolic link would carry out of the project: an output folder (or a folder on the
 * way to it) that links elsewhere, or an output file that is itself a link to a file elsewhere.
 * Folders are resolved and listed once each; a file is resolved only when the listing shows a link.
 */
import { basename, dirname, join } from 'node:path';
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import { inside } from './outputs-guard.js';

export interface LinkFs {
  realpath(path: string): Promise<string | Uint8Array>;
  /** With `withFileTypes`, entries with `name` and `isSymbolicLink()`. */
  readdir(path: string, options: { withFileTypes: true }): Promise<readonly unknown[]>;
}

const text = (p: string | Uint8Array): string => (typeof p === 'string' ? p : new TextDecoder().decode(p));

/** The real path of `path`: its deepest existing folder resolved, the rest (not yet created) appended. */
export async function realPathOf(fs: LinkFs, path: string): Promise<string> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(text(await fs.realpath(current)), ...rest.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}

/** Names of the symbolic links in a folder; none when it does not exist yet. */
async function linksIn(fs: LinkFs, folder: string): Promise<Set<string>> {
  try {
    const entries = (await fs.readdir(folder, { withFileTypes: true })) as readonly { name: unknown; isSymbolicLink(): boolean }[];
    return new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => String(e.name)));
  } catch {
    return new Set();
  }
}

export async function linksOutside(fs: LinkFs, root: string, outputs: readonly { file: string; location: SourceLocation }[]): Promise<Diagnostic[]> {
  if (outputs.length === 0) return [];
  const realRoot = await realPathOf(fs, root);
  const folders = new Map<string, SourceLocation>();
  for (const o of outputs) if (!folders.has(dirname(o.file))) folders.set(dirname(o.file), o.location);
  const found: Diagnostic[] = [];
  const outside = (what: string, real: string, location: SourceLocation): Diagnostic => ({
    severity: 'error',
    code: 'output-outside',
    message: `${what} leads outside the project through a symbolic link (to ${real})`,
    location,
    hint: 'remove the link, or name that folder as outputDir in the project config',
  });
  const links = new Map<string, Set<string>>();
  await Promise.all(
    [...folders].map(async ([folder, location]) => {
      const real = await realPathOf(fs, folder);
      if (inside(realRoot, real)) links.set(folder, await linksIn(fs, folder));
      else found.push(outside(`the output folder ${folder}`, real, location));
    }),
  );
  await Promise.all(
    outputs.map(async (o) => {
      if (!links.get(dirname(o.file))?.has(basename(o.file))) return;
      const real = await realPathOf(fs, o.file);
      if (!inside(realRoot, real)) found.push(outside(`the output ${o.file}`, real, o.location));
    }),
  );
  return found;
}
