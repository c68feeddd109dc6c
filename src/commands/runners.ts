/** `pixrender status` with a shared store: what every runner is doing, before the collect run. */
import { dirname, resolve } from 'node:path';
import { loadProjectConfig } from '../config.js';
import { printable } from '../diagnostic.js';
import { sharedRunners } from '../state/open-store.js';
import type { RunnerView } from '../state/shared.js';

export function formatRunners(store: string, runners: readonly RunnerView[]): string {
  if (runners.length === 0) return `No runner is using the shared state (${store}).`;
  const lines = [`Runners sharing the state (${store}):`];
  for (const r of runners) {
    const state = r.live ? `heartbeat ${r.heartbeatAgeSeconds} s ago` : `no heartbeat for ${r.heartbeatAgeSeconds} s: presumed dead, its leases are free`;
    const claims = r.claims.length > 0 ? `renders ${r.claims.join(', ')}` : 'renders nothing';
    const slots = r.slots.length > 0 ? `; slots ${r.slots.map((s) => `${s.account} (${s.job})`).join(', ')}` : '';
    lines.push(`  ${r.id}  ${r.manifest}: ${claims}${slots}; ${state}`);
  }
  return printable(lines.join('\n'));
}

/** How a render of `file` would choose its store (the project config's `store`, $PIXRENDER_STORE). */
export async function projectStore(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ configured?: string; env: NodeJS.ProcessEnv }> {
  const { config } = await loadProjectConfig(dirname(resolve(file)));
  return { ...(config.store ? { configured: config.store } : {}), env };
}

/** Prints the runners when the manifest's project shares its state; nothing for the file store. */
export async function printRunners(file: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const shared = await sharedRunners(await projectStore(file, env));
    if (shared) process.stderr.write(`${formatRunners(shared.store, shared.runners)}\n`);
  } catch (error) {
    process.stderr.write(`pixrender: cannot list the runners: ${printable((error as Error).message)}\n`);
  }
}
