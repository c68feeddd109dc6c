/** The command line: did-you-mean, help with exit codes on every command, the version, shell completion. */
import { spawnSync } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, exampleFile, repoRoot, requireBuild, runCli } from './helpers.js';

let dir: string;
const run = (args: string[]) => runCli(dir, args);
const COMMANDS = ['render', 'plan', 'validate', 'graph', 'status', 'watch', 'gallery', 'models', 'init', 'clean', 'sim', 'completion', 'version'];

beforeAll(async () => {
  requireBuild();
  dir = await mkdtemp(join(tmpdir(), 'pixrender-parser-'));
  await cp(exampleFile('matrix.yaml'), join(dir, 'matrix.yaml'));
  await cp(exampleFile('assets'), join(dir, 'assets'), { recursive: true });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('mistakes', () => {
  it('a mistyped command is answered with the command it resembles, in a few lines, exit 2', () => {
    const r = run(['rendr', 'matrix.yaml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("Unknown command 'rendr'");
    expect(r.err).toContain('Did you mean render?');
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(r.out).toBe('');
  });

  it.each([
    ['plan', '--jsn', '--json'],
    ['render', '--no-wiat', '--no-wait'],
    ['status', '--abandn', '--abandon'],
    ['graph', '--formt', '--format'],
    ['models', '--jsom', '--json'],
  ])('%s %s suggests %s, exit 2', (command, typo, meant) => {
    const r = run([command, 'matrix.yaml', typo]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`Unknown option '${typo}'`);
    expect(r.err).toContain(`Did you mean ${meant}?`);
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(4);
  });
});

describe('help', () => {
  it('every command has --help with its exit codes, exit 0', () => {
    for (const command of COMMANDS) {
      const r = run([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.out, command).toMatch(new RegExp(`^Usage: pixrender ${command}`));
      expect(r.out, command).toMatch(/Exit codes: 0 /);
    }
    const top = run(['--help']);
    expect(top.code).toBe(0);
    for (const command of COMMANDS) expect(top.out).toContain(`  ${command} `);
    expect(top.out).toContain('Exit codes: 0 ok, 1 jobs failed, 2 invalid input, 3 credits or budget, 130 interrupted.');
    expect(run(['help', 'plan']).out).toMatch(/^Usage: pixrender plan/);
  });

  it('the help of render, status and clean lists what the parser accepts, and only that', () => {
    for (const command of ['render', 'status', 'clean']) {
      const flags = [...new Set(run([command, '--help']).out.match(/--[a-z][a-z-]*/g))].filter((f) => f !== '--help');
      expect(flags.length, command).toBeGreaterThan(0);
      const completion = run(['completion', '--words', '--', command, '--']).out.trim().split('\n');
      expect(completion.filter((f) => f !== '--help').sort(), command).toEqual(flags.filter((f) => completion.includes(f)).sort());
      for (const flag of completion) expect(flags.concat('--help'), `${command} ${flag}`).toContain(flag);
    }
  });
});

describe('version', () => {
  it('-V, --version and version print the package version', async () => {
    const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    for (const args of [['-V'], ['--version'], ['version']]) {
      const r = run(args);
      expect(r.code, args[0]).toBe(0);
      expect(r.out, args[0]).toBe(`${version}\n`);
    }
  });
});

describe('completion', () => {
  it('offers commands, flags of a command, shells, and job ids of the manifest on the line', () => {
    const words = (...w: string[]) => run(['completion', '--words', '--', ...w]).out.trim().split('\n');
    expect(words('')).toEqual(expect.arrayContaining(['render', 'plan', 'init', 'clean', 'completion']));
    expect(words('plan', 'matrix.yaml', '--')).toEqual(expect.arrayContaining(['--json', '--only', '--exclude', '--budget']));
    expect(words('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    const ids = words('render', 'matrix.yaml', '--only', '');
    expect(ids).toContain('variants[look=clay,seed=1]');
    expect(ids).toContain('clay-closeup');
    expect(ids).toHaveLength(11);
    expect(words('status', 'matrix.yaml', '--adopt', '')).toContain('clay-closeup=');
  });

  it('the bash script completes in a real bash, also past the = and : that job ids hold', async () => {
    const bin = join(dir, 'bin');
    await rm(bin, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    await writeFile(join(bin, 'pixrender'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    await chmod(join(bin, 'pixrender'), 0o755);
    const script = run(['completion', 'bash']).out;
    const complete = (line: string) => {
      const program = `${script}\nCOMP_LINE='${line}'; COMP_POINT=${line.length}; _pixrender_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', program], { cwd: dir, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      return r.stdout.trim().split('\n');
    };
    expect(complete('pixrender pl')).toEqual(['plan']);
    expect(complete('pixrender plan matrix.yaml --ex')).toEqual(['--exclude']);
    // bash replaces only what follows the last = or :, so the candidate is that tail.
    expect(complete('pixrender plan matrix.yaml --only variants[look=cl')).toEqual(['clay,seed=1]', 'clay,seed=2]']);
    expect(complete('pixrender render matrix.yaml --only clay')).toEqual(['clay-closeup']);
    for (const shell of ['zsh', 'fish']) expect(run(['completion', shell]).out).toContain('pixrender completion --words --');
    expect(run(['completion', 'tcsh']).code).toBe(2);
  });
});
