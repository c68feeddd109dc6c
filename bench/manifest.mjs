// Validate + plan benchmark: a generated 10,000-job manifest (every kind, dependencies, matrix, vars)
// through config → loadManifest → asset hashes → buildGraph → lock → plan, timed, with peak memory.
// Targets: < 2 s and < 300 MB. Run with `npm run bench`, or `node bench/manifest.mjs [JOBS]` after
// `npm run build` (reads dist/).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeBenchManifest } from './manifest-gen.mjs';

export const TARGET_SECONDS = 2;
export const TARGET_MB = 300;

const mb = (bytes) => Math.round(bytes / 1024 / 1024);

/** Times one validate + plan of a `jobs`-job manifest; returns the figures (and prints them unless quiet). */
export async function benchManifest({ jobs = 10_000, quiet = false } = {}) {
  const { loadManifest } = await import('../dist/manifest/index.js');
  const { loadGraph, planManifest } = await import('../dist/plan-inputs.js');
  const dir = await mkdtemp(join(tmpdir(), 'pixrender-bench-manifest-'));
  try {
    const file = await writeBenchManifest(dir, jobs);
    const { loadCatalog } = await import('../dist/catalog.js');
    const { loadProjectConfig } = await import('../dist/config.js');
    // Warm-up on a small manifest so module loading and JIT start-up are not in the figures.
    const warm = await writeBenchManifest(join(dir, 'warm'), 50);
    const warmed = await planManifest(warm);
    if (!warmed.ok) throw new Error(`warm-up manifest is invalid:\n${warmed.diagnostics.map((d) => d.message).join('\n')}`);

    // The measured run: everything `pixrender plan` does, once, with peak memory read right after it.
    const t0 = performance.now();
    const outcome = await planManifest(file);
    const planMs = performance.now() - t0;
    const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
    const rssMB = mb(process.memoryUsage().rss);
    if (!outcome.ok) {
      const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
      throw new Error(`generated manifest is invalid:\n${errors.slice(0, 5).map((d) => d.message).join('\n')}`);
    }

    // The breakdown: validation alone, then validation + graph (each a fresh pass).
    const t1 = performance.now();
    const cfg = await loadProjectConfig(dir);
    const validated = await loadManifest(file, { config: cfg.config, catalog: loadCatalog(cfg.config.catalog) });
    const validateMs = performance.now() - t1;
    const t2 = performance.now();
    const graph = await loadGraph(file);
    const graphMs = performance.now() - t2;
    if (!validated.manifest || !graph.ok) throw new Error('validation failed on the second pass');

    const figures = {
      jobs: outcome.plan.jobs.length,
      validatePlanSeconds: planMs / 1000,
      validateSeconds: validateMs / 1000,
      validateGraphSeconds: graphMs / 1000,
      credits: outcome.plan.totals.credits,
      rssMB,
      maxRssMB,
    };
    const pass = figures.validatePlanSeconds < TARGET_SECONDS && figures.maxRssMB < TARGET_MB;
    if (!quiet) {
      console.log(`manifest bench: ${figures.jobs} jobs (${validated.sources.get(file)?.length ?? 0} bytes of YAML)`);
      console.log(`  validate + plan (config, loadManifest, asset hashes, buildGraph, lock, outputs, plan)  ${figures.validatePlanSeconds.toFixed(3)} s   target < ${TARGET_SECONDS} s`);
      console.log(`  memory after it: rss ${figures.rssMB} MB, peak (maxRSS) ${figures.maxRssMB} MB   target < ${TARGET_MB} MB`);
      console.log(`  breakdown: validate alone (config + loadManifest) ${figures.validateSeconds.toFixed(3)} s; + asset hashes + buildGraph ${figures.validateGraphSeconds.toFixed(3)} s`);
      console.log(`  ${pass ? 'within targets' : 'MISSED a target'}`);
    }
    return { ...figures, pass };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const jobs = Number(process.argv[2] ?? 10_000);
  benchManifest({ jobs }).then(
    (r) => (process.exitCode = r.pass ? 0 : 1),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
