// One soak seed: a random manifest and fault plan, a standalone simulator, `pixrender render` killed
// with -9 at random moments and run again until done, then the invariants.
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { copyAssets } from './assets.mjs';
import { mountTmpfs, resizeTmpfs, unmount, usedBytes } from './disk.mjs';
import { faultKinds, faultPlan } from './faults.mjs';
import { checkInvariants, strayFiles } from './invariants.mjs';
import { generateManifest } from './manifest.mjs';
import { runCli, startSim } from './processes.mjs';
import { diffSnapshots, snapshot } from './snapshot.mjs';

const MANIFEST = 'soak.yaml';

/**
 * options: { root, assetDir, mediaDir, timeScale, maxResumes, runTimeoutMs, keep, disk: boolean }
 * Resolves a result: { seed, violations, runs, kills, exits, faults, injected, disk, warnings, ms }.
 */
export async function runSeed(seed, options) {
  const started = Date.now();
  const plan = faultPlan(seed);
  const gen = generateManifest(seed);
  const seedDir = join(options.root, `seed-${seed}`);
  const project = join(seedDir, 'project');
  const logFile = join(options.root, 'logs', `seed-${seed}.log`);
  await rm(seedDir, { recursive: true, force: true });
  await mkdir(join(seedDir, 'tmp'), { recursive: true });
  await mkdir(join(seedDir, 'home'), { recursive: true });
  await mkdir(project, { recursive: true });
  await mkdir(join(options.root, 'logs'), { recursive: true });
  await writeFile(logFile, `seed ${seed}\nfaults ${plan.spec || '(none)'}\nkills ${JSON.stringify(plan.kills)}\naccounts ${plan.accounts} x maxJobs ${plan.maxJobs}\n\n${gen.yaml}\n`);

  const result = { seed, violations: [], runs: 0, kills: 0, exits: [], faults: faultKinds(plan.spec), injected: undefined, disk: undefined, warnings: [], kinds: gen.kinds, log: logFile };
  const violation = (invariant, detail) => result.violations.push({ invariant, detail });
  let mounted = false;
  let sim;
  try {
    if (plan.diskFreeBytes !== undefined && options.disk) {
      const refused = await mountTmpfs(project, 64 * 1024 * 1024);
      if (refused) result.disk = `skipped: ${refused}`;
      else mounted = true;
    }
    await writeFile(join(project, MANIFEST), gen.yaml);
    await copyAssets(options.assetDir, project, gen.assets);
    if (mounted) {
      const used = await usedBytes(project);
      await resizeTmpfs(project, used + plan.diskFreeBytes);
      result.disk = `full: ${plan.diskFreeBytes} bytes free for the first run`;
    }
    const manifestFile = join(project, MANIFEST);
    sim = await startSim({ seed, timeScale: options.timeScale, accounts: plan.accounts, maxJobs: plan.maxJobs, faults: plan.spec, mediaDir: options.mediaDir, log: logFile });
    const env = { ...process.env, USEAPI_TOKEN: sim.token, CI: '1', HOME: join(seedDir, 'home'), TMPDIR: join(seedDir, 'tmp'), NO_COLOR: '1' };
    const cli = (args, extra = {}) => runCli(args, { env, cwd: project, log: logFile, timeoutMs: options.runTimeoutMs, ...extra });

    // plan has no --api-url: the project config points it (and its template lists) at the simulator,
    // and the flag gives it the simulator's plan factor (GET features off_peak_discount, 0.7).
    await writeFile(join(project, '.pixrenderrc.json'), JSON.stringify({ apiUrl: sim.url }));
    const planned = await cli(['plan', manifestFile, '--json', '--offpeak-discount', '0.7']);
    if (planned.code !== 0) {
      violation('plan', `plan --json exited ${planned.code} on a generated manifest (a generator bug or a plan bug)`);
      return result;
    }
    const planJson = JSON.parse(planned.stdout);
    const before = await snapshot(seedDir, ['project']);

    const renderArgs = ['render', manifestFile, '--backend', 'useapi', '--api-url', sim.url, '--time-scale', String(options.timeScale), '--plain'];
    let done = false;
    let killIndex = 0;
    const maxRuns = plan.kills.length + options.maxResumes + 1;
    for (let run = 0; run < maxRuns && !done; run++) {
      if (mounted && run === 1) await resizeTmpfs(project, 256 * 1024 * 1024); // the disk is freed
      const kill = plan.kills[killIndex];
      const killWhen = kill ? killTrigger(kill, sim) : undefined;
      const res = await cli(renderArgs, killWhen ? { killWhen } : {});
      result.runs++;
      if (kill) killIndex++;
      if (res.killed) {
        // The journal a resume starts from, for the report of a violation.
        const journal = await readFile(join(project, '.pixrender', `${MANIFEST}.journal`), 'utf8').catch(() => '(no journal)\n');
        await appendFile(logFile, `--- journal after kill -9 ---\n${journal}--- end of journal ---\n`);
        result.kills++;
        result.exits.push('kill-9');
        continue;
      }
      if (res.timedOut) {
        result.exits.push('timeout');
        violation('hung', `run ${run + 1} did not end within ${options.runTimeoutMs} ms (killed)`);
        continue;
      }
      result.exits.push(res.code);
      if (res.code === 0) done = true;
      else if (res.code === 70) violation('internal-error', `run ${run + 1} exited 70: ${lastLines(res.stdout)}`);
      else if (res.code === 2 && !(mounted && run === 0 && refusedForFullDisk(res.stderr)))
        violation('refused-resume', `run ${run + 1} exited 2 (state refused?): ${lastLines(res.stdout + res.stderr)}`);
    }
    if (!done) violation('unfinished', `not done after ${result.runs} runs (exits ${result.exits.join(', ')})`);

    await sim.setFaults({});
    if (done) {
      const accepted = (await sim.stats()).jobs.length;
      const again = await cli(renderArgs);
      const after = (await sim.stats()).jobs.length;
      if (again.code !== 0 || after !== accepted) violation('rerun-not-idempotent', `a render after success exited ${again.code} and submitted ${after - accepted} jobs`);
    }
    const stats = await sim.stats();
    result.injected = stats.faults;
    const postOutputs = postOutputsOf(gen.yaml);
    if (done) for (const v of await checkInvariants({ plan: planJson, stats, project, manifestFile, postOutputs })) violation(v.invariant, v.detail);
    else {
      // Even unfinished, nothing may have been submitted twice or charged beyond the plan.
      for (const v of await checkInvariants({ plan: planJson, stats, project, manifestFile, postOutputs: [] }))
        if (v.invariant === 'duplicate-submission' || v.invariant === 'unplanned-submission' || v.invariant === 'overspend') violation(v.invariant, v.detail);
    }
    const outside = diffSnapshots(before, await snapshot(seedDir, ['project']));
    if (outside.length > 0) violation('outside-write', outside.slice(0, 10).join('; '));
    const lock = await readFile(`${manifestFile}.lock`, 'utf8').then(JSON.parse, () => ({ jobs: {} }));
    const stray = await strayFiles(project, MANIFEST, lock, postOutputs);
    if (stray.length > 0) result.warnings.push(`stray files in the project: ${stray.slice(0, 5).join(', ')}`);
    return result;
  } catch (error) {
    violation('harness', error.stack ?? String(error));
    return result;
  } finally {
    await sim?.close();
    if (mounted) await unmount(project);
    result.ms = Date.now() - started;
    if (result.violations.length === 0 && !options.keep) await rm(seedDir, { recursive: true, force: true });
  }
}

/** Resolves true when the planned kill moment comes, false when the run ended first. */
function killTrigger(kill, sim) {
  return async (exited) => {
    let over = false;
    exited.then(() => (over = true));
    if (kill.at === 'time') {
      await Promise.race([exited, new Promise((r) => setTimeout(r, kill.ms))]);
      return !over;
    }
    const base = (await sim.stats()).jobs.length;
    while (!over) {
      if ((await sim.stats()).jobs.length >= base + kill.more) return !over;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  };
}

function postOutputsOf(yaml) {
  const doc = parse(yaml);
  const dir = `renders/${doc.name}`;
  return (doc.post ?? []).map((step) => `${dir}/${step.output ?? 'contact-sheet.png'}`);
}

function lastLines(text, n = 3) {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** On a full disk, refusing to start with one line that says so is the promised behaviour (exit 2). */
function refusedForFullDisk(stderr) {
  const lines = stderr.trim().split('\n');
  return lines.length === 1 && /no space left on the disk/.test(lines[0]);
}
