/** `pixrender validate`: exit codes and the exact printed text (stdout/stderr captured). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../src/commands/validate.js';

let out = '';
let err = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const F = 'test/fixtures/manifests';

describe('pixrender validate', () => {
  it('prints FILE: ok (N jobs) for valid manifests and exits 0', async () => {
    expect(await command.run(['examples/quickstart.yaml', 'examples/matrix.yaml'])).toBe(0);
    expect(out).toBe('examples/quickstart.yaml: ok (2 jobs)\nexamples/matrix.yaml: ok (11 jobs)\n');
    expect(err).toBe('');
  });

  it('prints an unknown job with its line, caret and did-you-mean, and exits 2', async () => {
    expect(await command.run([`${F}/unknown-job.yaml`])).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      [
        `${F}/unknown-job.yaml:6:13 error[unknown-job] unknown job or video asset "intor"`,
        '  |',
        '6 |     extend: intor',
        '  |             ^^^^^',
        '  hint: did you mean "intro"?',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints a cycle with one note per edge', async () => {
    expect(await command.run([`${F}/cycle.yaml`])).toBe(2);
    expect(err).toBe(
      [
        `${F}/cycle.yaml:3:3 error[cycle] jobs depend on each other in a cycle: a → c → b → a`,
        '  |',
        '3 |   a:',
        '  |   ^',
        `  note: a uses c (${F}/cycle.yaml:4:13)`,
        `  note: c uses b (${F}/cycle.yaml:8:13)`,
        `  note: b uses a (${F}/cycle.yaml:6:13)`,
        '  hint: a job cannot use its own output, directly or through other jobs',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints warnings but still passes', async () => {
    expect(await command.run([`${F}/unused-asset.yaml`])).toBe(0);
    expect(err).toBe(
      [`${F}/unused-asset.yaml:3:3 warning[unused-asset] asset "hero" is not used by any job`, '  |', '3 |   hero: ./assets/still.png', '  |   ^^^^', '', ''].join('\n'),
    );
    expect(out).toBe(`${F}/unused-asset.yaml: ok (1 job, 1 warning)\n`);
  });

  it('reports a missing file as a diagnostic, not a stack trace, and checks the other files', async () => {
    expect(await command.run(['nope.yaml', 'examples/upscale.yaml'])).toBe(2);
    expect(err).toBe('error[file-not-found] cannot read nope.yaml: no such file\n\n');
    expect(out).toBe('examples/upscale.yaml: ok (2 jobs)\n');
  });

  it('exits 2 with the usage when no file is given or a flag is unknown', async () => {
    expect(await command.run([])).toBe(2);
    expect(err).toMatch(/^pixrender: validate needs at least one manifest file\n\nUsage: pixrender validate FILE\.\.\./);
    err = '';
    expect(await command.run(['--strict', 'a.yaml'])).toBe(2);
    expect(err).toMatch(/Unknown option '--strict'/);
  });

  describe('with a project config', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'pixrender-validate-'));
      await writeFile(join(root, 'package.json'), '{}');
      await writeFile(join(root, 'm.yaml'), 'version: 1\njobs:\n  a: { prompt: p }\n');
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it("applies the config's defaults to the manifest", async () => {
      await writeFile(join(root, 'pixrender.config.json'), '{ "defaults": { "model": "v4.6" } }');
      const file = relative(process.cwd(), join(root, 'm.yaml'));
      expect(await command.run([file])).toBe(2);
      expect(err).toContain(`${file}:3:3 error[unknown-model] unknown model "v4.6" (from the project config defaults)`);
      expect(err).toContain('hint: did you mean "v4.5"?');
    });

    it('does not check manifests under a broken config', async () => {
      await writeFile(join(root, 'pixrender.config.yaml'), 'sim:\n  timeScale: 0\n');
      const file = relative(process.cwd(), join(root, 'm.yaml'));
      expect(await command.run([file])).toBe(2);
      const config = relative(process.cwd(), join(root, 'pixrender.config.yaml'));
      expect(err).toBe(
        [
          `${config}:2:14 error[schema] sim.timeScale must be > 0`,
          '  |',
          '2 |   timeScale: 0',
          '  |              ^',
          '',
          `${file}: not checked, the project config has errors`,
          '',
        ].join('\n'),
      );
    });
  });
});
