/**
 * Whether an API base URL is a pixrender simulator: every answer of one carries
 * `x-pixrender-simulator: time-scale=N` (src/sim/server.ts). A client given only `--api-url` reads it
 * once, paces its polling by that scale and records the renders as simulated (lock `backend: sim`).
 */
import { request } from 'undici';

/** Same name as src/sim/server.ts SIMULATOR_HEADER (the client does not import the simulator). */
export const SIMULATOR_HEADER = 'x-pixrender-simulator';

export interface SimulatorIdentity {
  timeScale: number;
}

/** Parses `time-scale=0.02` (other `key=value` parts, `;`- or `,`-separated, are ignored). */
export function parseSimulatorHeader(value: string | string[] | undefined): SimulatorIdentity | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string') return undefined;
  const scale = /(?:^|[;,\s])time-scale=([0-9.eE+-]+)/.exec(text)?.[1];
  const timeScale = scale === undefined ? NaN : Number(scale);
  return Number.isFinite(timeScale) && timeScale >= 0 ? { timeScale } : undefined;
}

/** Asks once (GET accounts: any answer carries the header); undefined for anything that is not a simulator. */
export async function probeSimulator(baseUrl: string, token: string, timeoutMs = 10_000): Promise<SimulatorIdentity | undefined> {
  try {
    const res = await request(`${baseUrl.replace(/\/+$/, '')}/accounts`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    return parseSimulatorHeader(res.headers[SIMULATOR_HEADER]);
  } catch {
    return undefined; // unreachable: the reads that follow report it
  }
}
