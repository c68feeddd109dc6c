// A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl from Debian's packaged
// binaries, in a temp folder, on a free port of 127.0.0.1, with its socket in that folder. As root it
// runs as the `postgres` user (PostgreSQL refuses to run as root). Never a mock.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest /usr/lib/postgresql/<version>/bin holding initdb (or $PIXRENDER_PG_BIN). */
export function postgresBin() {
  if (process.env.PIXRENDER_PG_BIN) return existsSync(join(process.env.PIXRENDER_PG_BIN, 'initdb')) ? process.env.PIXRENDER_PG_BIN : undefined;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Why no test server can start here, or undefined when one can. */
export function postgresMissing() {
  if (!postgresBin()) return 'PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb; apt-get install postgresql)';
  if (userInfo().uid === 0 && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser to drop to the postgres user';
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function asPostgres(command, args) {
  const root = userInfo().uid === 0;
  return root ? run('/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
}

/**
 * Starts a server; `url` connects as the superuser `postgres` (trust auth on 127.0.0.1 only).
 * `createDatabase()` gives each test its own database.
 */
export async function startPostgres() {
  const bin = postgresBin();
  if (!bin) throw new Error(postgresMissing());
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-pg-'));
  const data = join(dir, 'data');
  if (userInfo().uid === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    port,
    dir,
    /** A fresh database on this server; resolves to its URL. */
    async createDatabase(name = `t${process.pid}_${++databases}`) {
      await asPostgres(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    /** `pg_ctl restart` (fast: open sessions are ended), as an operator would; resolves once it accepts connections again. */
    async restart() {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-l', join(dir, 'server.log'), '-w', '-t', '60', 'restart']);
    },
    async stop() {
      await asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
