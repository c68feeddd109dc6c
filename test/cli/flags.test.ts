/**
 * Every numeric, URL and file argument of every command is checked before any work: a bad one is one
 * line on stderr and exit 2, never a stack trace, never the token, and nothing is submitted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliPath, requireBuild } from './helpers.js';

const TOKEN = 'user:99-topsecretvalue123';
const SECRET = 'topsecretvalue123';
let dir: string;
let busy: Server;
let busyPort: number;

/** A fresh project for each row: what one row leaves behind cannot hide what another does. */
async function project(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'pixrender-flags-'));
  await writeFile(join(d, 'm.yaml'), 'version: 1\nname: flags\ndefaults:\n  model: v6\n  quality: 360p\n  duration: 5\njobs:\n  a:\n    prompt: A lighthouse\n');
  await writeFile(join(d, 'lock.json'), '{"version":1,"jobs":{}}\n');
  await writeFile(join(d, 'wrong-shape.json'), '{"version":1,"token":5,"accounts":"none"}');
  await writeFile(join(d, 'not-json.json'), 'this is not JSON, and it is mine\n');
  await mkdir(join(d, 'a-folder'));
  return d;
}

beforeAll(async () => {
  requireBuild();
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
});
beforeEach(async () => {
  dir = await project();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A bounded run: a command that wrongly starts working (a watch, a server) is stopped and fails the row. */
function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: dir, env: { ...process.env, USEAPI_TOKEN: '', NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const withToken = { USEAPI_TOKEN: TOKEN };
type Row = [string, string[], Record<string, string>?];
const rows = (): Row[] => [
  // URLs: not a URL, not http(s), the token inside one.
  ...['render', 'status', 'watch', 'plan'].flatMap((cmd): Row[] => [
    [`${cmd} --api-url notaurl`, [cmd, 'm.yaml', '--api-url', 'notaurl'], withToken],
    [`${cmd} --api-url ::`, [cmd, 'm.yaml', '--api-url', '::'], withToken],
    [`${cmd} --api-url ftp://`, [cmd, 'm.yaml', '--api-url', 'ftp://example.com/v2'], withToken],
    [`${cmd} --api-url with the token`, [cmd, 'm.yaml', '--api-url', `${TOKEN}@nohost`], withToken],
    [`${cmd} --api-url token in userinfo`, [cmd, 'm.yaml', '--api-url', `http://x:${SECRET}@[bad`], withToken],
  ]),
  ['render --callback-url notaurl', ['render', 'm.yaml', '--callback-url', 'notaurl']],
  ['render --callback-url ftp', ['render', 'm.yaml', '--callback-url', 'ftp://example.com/hook']],
  ['render --callback-url with the token', ['render', 'm.yaml', '--callback-url', `http://[${SECRET}`], withToken],
  // Numbers.
  ...['render', 'status', 'watch'].flatMap((cmd): Row[] => [
    [`${cmd} --time-scale -1`, [cmd, 'm.yaml', '--time-scale', '-1']],
    [`${cmd} --time-scale abc`, [cmd, 'm.yaml', '--time-scale', 'abc']],
    [`${cmd} --time-scale Infinity`, [cmd, 'm.yaml', '--time-scale', 'Infinity']],
  ]),
  ['sim --time-scale -1', ['sim', '--time-scale', '-1']],
  ['render --callback-port 99999', ['render', 'm.yaml', '--callback-port', '99999']],
  ['render --callback-port -1', ['render', 'm.yaml', '--callback-port', '-1']],
  ['render --callback-port 1.5', ['render', 'm.yaml', '--callback-port', '1.5']],
  ['render --callback-port busy', ['render', 'm.yaml', '--callback-port', '<busy>']],
  ['watch --port 99999', ['watch', 'm.yaml', '--serve', '--port', '99999']],
  ['watch --debounce -5', ['watch', 'm.yaml', '--debounce', '-5']],
  ['watch --budget -1', ['watch', 'm.yaml', '--budget', '-1']],
  ['plan --budget -1', ['plan', 'm.yaml', '--budget', '-1']],
  ['plan --offpeak-discount 2', ['plan', 'm.yaml', '--offpeak-discount', '2']],
  ['sim --port 99999', ['sim', '--port', '99999']],
  ['sim --port busy', ['sim', '--port', '<busy>']],
  ['sim --accounts 0', ['sim', '--accounts', '0']],
  ['sim --failure-rate 2', ['sim', '--failure-rate', '2']],
  // Files.
  ['merge-lock O A /nonexistent', ['merge-lock', 'O', 'A', '/nonexistent']],
  ['watch of a missing manifest', ['watch', 'nope.yaml']],
  ...['render', 'plan', 'status', 'validate', 'graph', 'gallery'].map((cmd): Row => [`${cmd} of a manifest in a missing folder`, [cmd, 'no/such/dir/m.yaml']]),
  ['merge-lock with one missing', ['merge-lock', 'lock.json', 'lock.json', 'missing.json']],
  ['sim --state-file of the wrong shape', ['sim', '--state-file', 'wrong-shape.json']],
  ['sim --state-file that is not JSON', ['sim', '--state-file', 'not-json.json']],
  ['sim --state-file that is a folder', ['sim', '--state-file', 'a-folder']],
  ['merge-lock with a folder', ['merge-lock', 'lock.json', 'a-folder', 'lock.json']],
];

describe('flag and argument validation', () => {
  it.each(rows().map((r) => [r[0], r] as const))('%s: one line, exit 2, nothing done', async (_name, [, args, env]) => {
    const argv = args.map((a) => (a === '<busy>' ? String(busyPort) : a));
    const r = run(argv, env);
    expect({ code: r.code, err: r.err }).toMatchObject({ code: 2 });
    const lines = r.err.trimEnd().split('\n');
    expect(lines, r.err).toHaveLength(1);
    // A usage error, or the manifest loader's own one-line diagnostic for a file that is not there.
    expect(lines[0]).toMatch(/^(pixrender( [a-z-]+)?: |error\[file-not-found\] )/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(r.err + r.out).not.toContain(SECRET);
    // Nothing was submitted or written: no lock, no journal, no simulator state.
    expect(existsSync(join(dir, 'm.yaml.lock'))).toBe(false);
    expect(existsSync(join(dir, '.pixrender')) ? await readdir(join(dir, '.pixrender')) : []).toEqual([]);
  });

  it('a state file that is not JSON is left as it was', async () => {
    run(['sim', '--state-file', 'not-json.json']);
    expect(await readFile(join(dir, 'not-json.json'), 'utf8')).toBe('this is not JSON, and it is mine\n');
  });

  it('plan takes --api-url: it reads the account there (an unreachable one is a note, not a failure)', () => {
    const r = run(['plan', 'm.yaml', '--api-url', 'http://127.0.0.1:9/v2/pixverse'], withToken);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/off-peak discount could not be read/);
    expect(r.err + r.out).not.toContain(SECRET);
    expect(run(['plan', '--help']).out).toContain('--api-url');
  });
});

describe('manifest keys as the data reads them', () => {
  it.each([
    ['an alias key repeating a job', 'vars:\n  n: &n a\njobs:\n  a:\n    prompt: one\n  *n :\n    prompt: two\n', 'duplicate-key'],
    ['true and "true"', 'jobs:\n  true:\n    prompt: one\n  "true":\n    prompt: two\n', 'duplicate-key'],
    ['a collection as a key', 'jobs:\n  ? [a, b]\n  : prompt: one\n', 'collection-key'],
  ])('%s: validate refuses it, with no process warning', async (_what, body, code) => {
    await writeFile(join(dir, 'k.yaml'), `version: 1\nname: keys\n${body}`);
    const r = run(['validate', 'k.yaml']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.out + r.err).toContain(`error[${code}]`);
    expect(r.err).not.toMatch(/Warning|stringified/);
  });
});
