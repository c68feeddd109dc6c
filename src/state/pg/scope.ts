/**
 * The scope of a manifest in a shared store: which project, and which manifest in it, as one string
 * `<project>//<path>`. Checkouts of one repository must agree on it on any machine; two projects must not.
 *
 *   project  $PIXRENDER_PROJECT when set (a name the team chooses: for a repository without a remote,
 *            or mirrors under several URLs); else the git remote `origin`, normalised so that ssh and https
 *            spellings agree and credentials never reach the database (`github.com/acme/teaser`); else the
 *            repository's root commit (a repository without remote; not in a shallow clone, whose oldest
 *            commit is wherever the clone was cut); else this machine and folder (`path:host:/abs/dir`),
 *            which shares nothing with other checkouts, but never mixes two projects up.
 *   path     the manifest's path from the repository's top folder (else its own folder), with `/`.
 *
 * Before version 2 of the schema the scope was the manifest's file name alone (see legacyScope).
 */
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { basename, dirname, relative, sep } from 'node:path';

export interface ManifestScope {
  scope: string;
  /** Where the project's identity came from, for messages. */
  from: 'env' | 'remote' | 'root-commit' | 'path';
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
  const [top, remote] = await Promise.all([git(dir, ['rev-parse', '--show-toplevel', '--is-shallow-repository']), git(dir, ['config', '--get', 'remote.origin.url'])]);
  const [root, shallow] = top?.split('\n') ?? [];
  const path = relative(root || dir, manifestFile).split(sep).join('/');
  const named = env.PIXRENDER_PROJECT?.trim();
  if (named) return { scope: `${named}//${path}`, from: 'env' };
  if (remote) return { scope: `${normalRemote(remote)}//${path}`, from: 'remote' };
  if (root && shallow === 'false') {
    const roots = (await git(root, ['rev-list', '--max-parents=0', 'HEAD']))?.split('\n').filter(Boolean).sort();
    if (roots?.length) return { scope: `commit:${roots[0]}//${path}`, from: 'root-commit' };
  }
  return { scope: `path:${hostname()}:${(root || dir).split(sep).join('/')}//${path}`, from: 'path' };
}
