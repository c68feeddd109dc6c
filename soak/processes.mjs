// Child processes of a soak seed: the standalone simulator and the real `pixrender render`.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** `pixrender sim` in its own process, as the real API runs elsewhere. */
export async function startSim({ seed, timeScale, accounts, maxJobs, faults, mediaDir, log }) {
  const args = [cli, 'sim', '--port', '0', '--seed', String(seed), '--time-scale', String(timeScale), '--accounts', String(accounts), '--max-jobs', String(maxJobs),
    '--credits', '10000000', '--off-peak-wait', '30', '--media-dir', mediaDir, '--anonymous']; // stands in for the real API
  if (faults) args.push('--faults', faults);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(log, { flags: 'a' });
  child.stderr.pipe(out);
  let text = '';
  const { url, token } = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const url = /base URL\s+(\S+)/.exec(text)?.[1];
      const token = /token\s+(\S+)/.exec(text)?.[1];
      if (url && token) resolve({ url, token });
    });
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${text}`)));
  });
  const origin = new URL(url).origin;
  const control = async (path, body) => {
    const res = await fetch(`${origin}/__sim/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator control ${path}: ${res.status}`);
    return res.json();
  };
  return {
    url,
    token,
    stats: () => control('stats'),
    setFaults: (faults) => control('faults', faults),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          out.end();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs `pixrender ARGS` with the environment of the project (HOME and TMPDIR inside the seed's folder,
 * so writes outside the project are seen). `killWhen` (optional) resolves when the child must be killed
 * with SIGKILL. Resolves { code, signal, killed, timedOut, ms, stdout, stderr }.
 */
export function runCli(args, { env, cwd, log, timeoutMs, killWhen }) {
  const started = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(log, { flags: 'a' });
  out.write(`\n$ pixrender ${args.join(' ')}\n`);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    out.write(chunk);
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    out.write(chunk);
  });
  let killed = false;
  let timedOut = false;
  const kill = (why) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (why === 'timeout') timedOut = true;
    else killed = true;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill('timeout'), timeoutMs);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  if (killWhen) killWhen(exited).then((yes) => yes && kill('plan'), () => {});
  return exited.then(({ code, signal }) => {
    clearTimeout(timer);
    out.write(`[exit ${code ?? signal}${killed ? ', kill -9 by the soak' : ''}${timedOut ? ', timed out' : ''}]\n`);
    out.end();
    return { code, signal, killed, timedOut, ms: Date.now() - started, stdout, stderr };
  });
}
