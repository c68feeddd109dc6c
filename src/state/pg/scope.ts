/**
 * The scope of a manifest in a shared store: which project, and which manifest in it, as one string
 * `<project>//<path>`. Checkouts of one repository must agree on it on any machine; two projects must not.
 *
 *   project  $PIXRENDER_PROJECT when set (a name the team chooses: for a repository without a remote,
 *            or mirrors under several URLs); else the git remote `origin`, normalised so that ssh and https
 *            spellings agree and credentials never reach the database (`github.com/acme/teaser`); else
 *            none, and the scope is the path alone: copies of a project outside git (or in repositories
 *            without a remote) must still share renders, or runners would pay for every job once each.
 *            Two such projects with a manifest at the same path share a scope: results stay apart by
 *            fingerprint, but give them different $PIXRENDER_PROJECT names to keep their attempts apart.
 *   path     the manifest's path from the repository's top folder (else its file name), with `/`.
 *
 * Before version 2 of the schema the scope was the manifest's file name alone (see legacyScope).
 */
import { execFile } from 'node:child_process';
import { basename, dirname, relative, sep } from 'node:path';

export interface ManifestScope {
  scope: string;
  /** Where the project's identity came from, for messages. */
  from: 'env' | 'remote' | 'path';
}

/** The scope a manifest had before the project was part of it: its file name. */
export function legacyScope(manifestFile: string): string {
  return basename(manifestFile);
}

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 5_000, windowsHide: true }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}

/** A remote URL as host/path: scheme, user, password, port and `.git` dropped, the host in lower case. */
export function normalRemote(url: string): string {
  let rest = url.trim();
  let host = '';
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.*)$/.exec(rest); // git@github.com:acme/teaser.git
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:]*)(?::\d+)?(\/.*)?$/i.exec(rest);
  if (withScheme && !/^file:/i.test(rest)) [, host = '', rest = ''] = withScheme;
  else if (scp && !/^[a-z]:[\\/]/i.test(rest)) [, host = '', rest = ''] = scp;
  else rest = rest.replace(/^file:\/\//i, '');
  const path = rest.replace(/\\/g, '/').replace(/\/+/g, '/').replace(/\/$/, '').replace(/\.git$/, '').replace(/^\//, '');
  return host ? `${host.toLowerCase()}/${path}` : `file:/${path}`;
}

export async function manifestScope(manifestFile: string, env: NodeJS.ProcessEnv = process.env): Promise<ManifestScope> {
  const dir = dirname(manifestFile);
  const [root, remote] = await Promise.all([git(dir, ['rev-parse', '--show-toplevel']), git(dir, ['config', '--get', 'remote.origin.url'])]);
  const path = relative(root || dir, manifestFile).split(sep).join('/');
  const named = env.PIXRENDER_PROJECT?.trim();
  if (named) return { scope: `${named}//${path}`, from: 'env' };
  if (remote) return { scope: `${normalRemote(remote)}//${path}`, from: 'remote' };
  // The same as the scope before projects were part of it (legacyScope) for a manifest outside git.
  return { scope: path, from: 'path' };
}
