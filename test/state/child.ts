/**
 * Runs the state store in a separate Node process (so a test can kill -9 it): the src/state modules are
 * transpiled to plain ESM in a temp dir, and a small script drives them and reports progress on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';

const stateSource = new URL('../../src/state/', import.meta.url);

/** Writes the transpiled store to `<dir>/state/*.js` and returns the path of `store.js`. */
export async function compileStateModules(dir: string): Promise<string> {
  const out = join(dir, 'state');
  await mkdir(out, { recursive: true });
  for (const name of await readdir(stateSource)) {
    if (!name.endsWith('.ts')) continue;
    const source = await readFile(new URL(name, stateSource), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    await writeFile(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  return join(out, 'file-store.js');
}

export interface RunningChild {
  child: ChildProcess;
  /** Numbers the child printed, one per line, as they arrive. */
  acks: number[];
  /** Resolves when the child has printed at least `count` numbers. */
  acked(count: number): Promise<void>;
  /** kill -9 (after `afterMs`, to land at varied points of the child's loop), then waits for the exit. */
  kill(afterMs?: number): Promise<void>;
}

export async function runChild(dir: string, script: string): Promise<RunningChild> {
  const file = join(dir, `child-${Math.random().toString(16).slice(2)}.mjs`);
  await writeFile(file, script);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: number[] = [];
  const waiters: { count: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  let stderr = '';
  let buffered = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) acks.push(Number(line));
    for (const waiter of waiters.splice(0)) {
      if (acks.length >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  child.on('exit', (code, signal) => {
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`child exited (${code ?? signal}) after ${acks.length} acks: ${stderr}`));
  });
  return {
    child,
    acks,
    acked: (count) =>
      acks.length >= count ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ count, resolve, reject })),
    kill: async (afterMs = 0) => {
      if (afterMs > 0) await new Promise((resolve) => setTimeout(resolve, afterMs));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
