// The printers of a shared store's URL, through the real CLI: the `status` header and the state-database
// error of `render` and `status` never show a password, however the connection string holds it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usePostgres } from './fixture.js';
import { postgresMissing } from './server.mjs';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const missing = postgresMissing();
if (missing) console.warn(`skipping the password redaction CLI tests: ${missing}`);

const SECRET = 'Hunter2pw';
const manifest = 'version: 1\nname: fleet\njobs:\n  clip:\n    prompt: "A kite"\n    model: v4.5\n    quality: 360p\n    duration: 5\n';

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, CI: '1', ...env }, cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The ways a URL can carry the secret (trust auth on the test server ignores it). */
const withSecret = (url: string): [string, string][] => [
  ['userinfo', url.replace('postgres@', `postgres:${SECRET}@`)],
  ['?password=', `${url}?password=${SECRET}`],
  ['&password=, encoded', `${url}?application_name=x&password=${encodeURIComponent(SECRET).replace('2', '%32')}`],
  ['sslpassword', `${url}?sslpassword=${SECRET}`],
];

describe.skipIf(missing !== undefined)('no password in what the CLI prints about the shared store', () => {
  const pgf = usePostgres('redaction');

  it('the status header', async () => {
    const url = await pgf.server.createDatabase();
    const dir = join(pgf.root, 'status');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fleet.yaml'), manifest);
    for (const [form, store] of withSecret(url)) {
      const { stdout, stderr } = await run(['status', 'fleet.yaml'], { PIXRENDER_STORE: store, PIXRENDER_PROJECT: 'redaction' }, dir);
      expect(stderr, form).toMatch(/runner is using the shared state \(postgres:\/\/postgres@127\.0\.0\.1:\d+\/\w+(\?application_name=x)?\)/);
      expect(stdout + stderr, form).not.toContain(SECRET);
      expect(stdout + stderr, form).not.toContain('%32');
    }
  });

  it('the database-down error of render and status, and a store setting pixrender does not understand', async () => {
    const port = await closedPort();
    const dir = join(pgf.root, 'down');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'fleet.yaml'), manifest);
    const down = `postgres://postgres@127.0.0.1:${port}/pixrender`;
    for (const [form, store] of [...withSecret(down), ['key=value DSN', `host=127.0.0.1 port=${port} password=${SECRET}`] as [string, string]]) {
      for (const command of ['render', 'status']) {
        const { code, stdout, stderr } = await run([command, 'fleet.yaml'], { PIXRENDER_STORE: store, PIXRENDER_DB_TIMEOUT_MS: '1000', PGPASSWORD: `${SECRET}env` }, dir);
        expect(code, `${command} ${form}`).toBe(2);
        expect(stderr, `${command} ${form}`).toMatch(/^pixrender: (the state database postgres:\/\/postgres@127\.0\.0\.1:\d+\/pixrender(\?application_name=x)? failed|unknown state store "host=127\.0\.0\.1 port=\d+")/m);
        expect(stdout + stderr, `${command} ${form}`).not.toContain(SECRET);
        expect(stderr, `${command} ${form}`).not.toMatch(/\n\s+at /);
      }
    }
  });
});
