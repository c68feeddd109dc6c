/**
 * The PixVerse API v2 simulator: a real HTTP server on 127.0.0.1 that behaves like useapi.net's API
 * (reference §8 and §10) — accounts, capacity and 429s, credits and 412s, moderation, the job lifecycle
 * with 404-until-final polling, callbacks, uploads and real playable media — with seeded faults and
 * controls for tests.
 *
 * @example
 * const sim = await startSimulator({ accounts: 2, maxJobs: 3, timeScale: 0.001 });
 * const res = await fetch(`${sim.url}/videos/create`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
 *   body: JSON.stringify({ prompt: 'a lighthouse at dusk', model: 'v4.5' }),
 * });
 * await sim.close();
 */
import type { Server } from 'node:http';
import { API_PREFIX } from '../api/protocol.js';
import { completeJobs } from './control.js';
import { createContext, statsSnapshot, type SimContext } from './context.js';
import type { FaultOptions, ForcedError } from './faults.js';
import type { Outcome } from './jobs.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { StateFile } from './persistence.js';
import { startServer } from './server.js';
import type { SimStatsSnapshot } from './stats.js';

export type { AccountSpec } from './accounts.js';
export type { FaultOptions, ForcedError } from './faults.js';
export { parseFaultSpec } from './faults.js';
export type { Outcome } from './jobs.js';
export { readMp4Info, type Mp4Info } from './mp4.js';
export type { ModerationOptions, SimulatorOptions } from './options.js';
export type { SimStatsSnapshot, SubmittedJobRecord } from './stats.js';
export { NO_CREDITS_MESSAGE } from './submit.js';

export interface Simulator {
  /** Base URL of the API, e.g. http://127.0.0.1:41234/v2/pixverse (no trailing slash). */
  readonly url: string;
  /** http://127.0.0.1:<port>: media and /__sim/ controls live here. */
  readonly origin: string;
  /** The bearer token the simulator accepts. */
  readonly token: string;
  readonly seed: number;
  /** Configured account emails. */
  readonly emails: string[];
  /** A copy of what the simulator observed (the same object GET /__sim/stats returns). */
  stats(): SimStatsSnapshot;
  /** Makes the next request to `endpoint` ("videos/create", "POST videos/create", "videos/{video_id}", "media") fail. */
  forceErrorOnNextRequest(endpoint: string, error: ForcedError): void;
  /** Replaces the fault configuration. */
  setFaults(faults: FaultOptions): void;
  /** Every generation POST gets 429 for the next `durationMs` (simulator clock). */
  startStorm(durationMs: number): void;
  /** Adds purchased credits to one account, or to all. */
  addCredits(amount: number, email?: string): void;
  /** Ends pending jobs now, with their planned outcome or the one given; returns how many ended. */
  completeJobs(filter?: { videoId?: string; outcome?: Outcome }): number;
  /** Stops the server and every job timer (pending callbacks are abandoned) and writes the state file, if any. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const saved = options.stateFile ? await StateFile.load(options.stateFile) : undefined;
  const resolved = resolveOptions(saved && options.token === undefined ? { ...options, token: saved.token } : options);
  const ctx = createContext(resolved, saved);
  const { server, origin } = await startServer(ctx);
  ctx.origin = origin;
  return simulatorHandle(ctx, server);
}

function simulatorHandle(ctx: SimContext, server: Server): Simulator {
  let closing: Promise<void> | undefined;
  return {
    url: `${ctx.origin}${API_PREFIX}`,
    origin: ctx.origin,
    token: ctx.options.token,
    seed: ctx.options.seed,
    get emails() {
      return ctx.accounts.list().map((a) => a.email);
    },
    stats: () => statsSnapshot(ctx),
    forceErrorOnNextRequest: (endpoint, error) => ctx.faults.forceErrorOnNextRequest(endpoint, error),
    setFaults: (faults) => ctx.faults.set(faults),
    startStorm: (durationMs) => ctx.faults.startStorm(durationMs),
    addCredits: (amount, email) => {
      if (!ctx.accounts.addCredits(amount, email)) throw new Error(`account ${email} is not configured`);
      ctx.state?.changed();
    },
    completeJobs: (filter) => completeJobs(ctx, filter),
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await ctx.jobs.close();
        await ctx.callbacks.close();
        await ctx.state?.flush();
        await closed;
      })()),
  };
}
