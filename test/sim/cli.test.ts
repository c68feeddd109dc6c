import { afterEach, describe, expect, test, vi } from 'vitest';
import { UsageError } from '../../src/commands/args.js';
import { command, parseSimArgs } from '../../src/commands/sim.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pixrender sim: flags', () => {
  test('every flag maps onto a simulator option', async () => {
    expect(
      await parseSimArgs([
        '--port', '8791', '--token', 'user:77-abc', '--accounts', '3', '--max-jobs', '4', '--credits', '900', '--time-scale', '0.01',
        '--faults', '500=0.05,reset=0.02,reset-after=0.01,latency=50-200,truncate=0.1,storm=0.3', '--seed', '9',
        '--off-peak-wait', '60', '--off-peak-discount', '0.7', '--off-peak-free-slot', '--failure-rate', '0.1', '--media-dir', '/tmp/m',
        '--state-file', '/tmp/s.json',
      ]),
    ).toEqual({
      port: 8791, token: 'user:77-abc', accounts: 3, maxJobs: 4, credits: 900, timeScale: 0.01,
      faults: { error500: 0.05, resetBefore: 0.02, resetAfter: 0.01, latencyMs: { min: 50, max: 200 }, truncateMedia: 0.1, storm429: 0.3 },
      seed: 9, offPeakWaitSeconds: 60, offPeakDiscount: 0.7, offPeakHoldsSlot: false, moderation: { failureRate: 0.1 }, mediaDir: '/tmp/m', stateFile: '/tmp/s.json',
    });
    expect(await parseSimArgs([])).toEqual({});
  });

  test.each([
    [['--port', 'x'], /--port expects an integer ≥ 0 and ≤ 65535, got "x"/],
    [['--port', '70000'], /--port/],
    [['--max-jobs', '9'], /--max-jobs/],
    [['--accounts', '0'], /--accounts/],
    [['--time-scale', '-1'], /--time-scale/],
    [['--faults', 'boom=1'], /--faults: unknown fault "boom"/],
    [['--token', ''], /--token/],
    [['--nope'], /Unknown option/],
    [['extra'], /unexpected argument "extra"/],
  ])('%j is a usage error', async (argv, message) => {
    await expect(parseSimArgs(argv)).rejects.toThrow(UsageError);
    await expect(parseSimArgs(argv)).rejects.toThrow(message);
  });

  test('the usage text lists every flag it parses', async () => {
    for (const flag of ['--port', '--token', '--accounts', '--max-jobs', '--credits', '--time-scale', '--faults', '--seed', '--off-peak-wait', '--off-peak-discount', '--off-peak-free-slot', '--failure-rate', '--media-dir', '--state-file'])
      expect(command.usage).toContain(flag);
  });

  test('a bad flag exits 2 with the message on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await command.run(['--max-jobs', '0'])).toBe(2);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/--max-jobs/);
  });
});

describe('pixrender sim: running', () => {
  test('prints the base URL and token, serves the API, and stops cleanly on SIGINT', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const exit = command.run(['--token', 'user:55-simtoken', '--accounts', '2', '--max-jobs', '3', '--time-scale', '0', '--seed', '5']);
    const banner = await waitForOutput(out, /stats/);
    const url = /base URL\s+(\S+)/.exec(banner)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\/pixverse$/);
    expect(banner).toContain('token     user:55-simtoken');
    expect(banner).toContain('render02@sim.pixrender.local (maxJobs 3, 15000 credits)');
    const res = await fetch(`${url}/scheduler/available`, { headers: { authorization: 'Bearer user:55-simtoken' } });
    expect(((await res.json()) as any).available).toHaveLength(2);

    process.emit('SIGINT');
    expect(await exit).toBe(0);
    expect(out.join('')).toContain('Simulator stopped (SIGINT).');
    await expect(fetch(`${url}/scheduler`)).rejects.toThrow();
  });
});

async function waitForOutput(out: string[], pattern: RegExp): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const text = out.join('');
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no output matching ${pattern}: ${out.join('')}`);
}
