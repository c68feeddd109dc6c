/**
 * Fault injection: probabilistic 500s, connection resets (before processing, or after the request was
 * processed — which leaves a POST's outcome unknown to the client), added latency, truncated media and
 * 429 storms, per-endpoint error rates (e.g. the reconcile lookups GET scheduler / GET videos), plus
 * one-shot forced errors per endpoint. Every decision draws from a seeded stream, a fixed number of draws
 * per request for a given configuration, so a run with the same seed and request order replays exactly.
 */
import type { Random } from './rng.js';

export interface FaultOptions {
  /** Probability that a request is answered 500. */
  error500?: number;
  /** Probability that the connection is destroyed before the request is processed. */
  resetBefore?: number;
  /** Probability that the request is fully processed (a job accepted, credits spent) and then the connection is destroyed. */
  resetAfter?: number;
  /** Extra latency before a request is processed, uniform in [min, max] milliseconds (real time). */
  latencyMs?: { min: number; max: number };
  /** Probability that a media download announces its full Content-Length but is cut half way. */
  truncateMedia?: number;
  /** Probability that a generation POST is answered 429 (a "storm" of throttling). */
  storm429?: number;
  /** Periods, in ms of simulator clock time since start, during which every generation POST gets 429. */
  stormWindows?: { fromMs: number; toMs: number }[];
  /** Per-endpoint error rates: a request to `endpoint` fails with `error` with this probability. */
  endpointErrors?: EndpointError[];
}

/** One per-endpoint error rate. The first rule whose endpoint matches a request applies. */
export interface EndpointError {
  /** A route name, optionally with its method: "GET scheduler", "videos", "POST videos/create", "media". */
  endpoint: string;
  probability: number;
  error: ForcedError;
}

/**
 * What a forced error does: answer with this status, destroy the socket before / after processing, or
 * (media only) send part of the file.
 */
export const FORCED_FAULTS = ['ECONNRESET', 'ECONNRESET_AFTER', 'TRUNCATE'] as const;
export type ForcedError = number | (typeof FORCED_FAULTS)[number];

export type RequestKind = 'api' | 'generation' | 'media';

/** The faults decided for one request. */
export interface FaultDecision {
  status?: number;
  resetBefore: boolean;
  resetAfter: boolean;
  latencyMs: number;
  truncate: boolean;
  storm: boolean;
  forced: boolean;
}

export class FaultInjector {
  private forced = new Map<string, ForcedError[]>();

  constructor(
    private options: FaultOptions,
    private readonly random: Random,
    private readonly now: () => number,
    private readonly startedAt: number,
  ) {}

  get current(): FaultOptions {
    return structuredClone(this.options);
  }

  set(options: FaultOptions): void {
    this.options = structuredClone(options);
  }

  /** Opens a storm window of `durationMs` starting now (simulator clock). */
  startStorm(durationMs: number): void {
    const from = this.now() - this.startedAt;
    this.options.stormWindows = [...(this.options.stormWindows ?? []), { fromMs: from, toMs: from + durationMs }];
  }

  /** Queues an error for the next request to `endpoint` ("videos/create" or "POST videos/create"). */
  forceErrorOnNextRequest(endpoint: string, error: ForcedError): void {
    const key = normaliseEndpoint(endpoint);
    this.forced.set(key, [...(this.forced.get(key) ?? []), error]);
  }

  decide(kind: RequestKind, method: string, endpoint: string): FaultDecision {
    // Always the same number of draws, whatever is configured, so the stream stays aligned.
    const r500 = this.random();
    const rBefore = this.random();
    const rAfter = this.random();
    const rLatency = this.random();
    const rTruncate = this.random();
    const rStorm = this.random();
    const o = this.options;
    // Drawn only when rules exist, so configurations without them keep the stream they always had.
    const rEndpoint = o.endpointErrors && o.endpointErrors.length > 0 ? this.random() : 1;
    const decision: FaultDecision = {
      resetBefore: rBefore < (o.resetBefore ?? 0),
      resetAfter: rAfter < (o.resetAfter ?? 0),
      latencyMs: o.latencyMs ? Math.round(o.latencyMs.min + rLatency * Math.max(0, o.latencyMs.max - o.latencyMs.min)) : 0,
      truncate: kind === 'media' && rTruncate < (o.truncateMedia ?? 0),
      storm: kind === 'generation' && (rStorm < (o.storm429 ?? 0) || this.inStormWindow()),
      forced: false,
    };
    if (r500 < (o.error500 ?? 0)) decision.status = 500;
    const rule = o.endpointErrors?.find((r) => matchesEndpoint(r.endpoint, method, endpoint));
    const forced = this.takeForced(method, endpoint) ?? (rule && rEndpoint < rule.probability ? rule.error : undefined);
    if (forced !== undefined) {
      decision.forced = true;
      decision.status = undefined;
      decision.resetBefore = forced === 'ECONNRESET';
      decision.resetAfter = forced === 'ECONNRESET_AFTER';
      decision.truncate = kind === 'media' && forced === 'TRUNCATE';
      if (typeof forced === 'number') decision.status = forced;
    }
    return decision;
  }

  private inStormWindow(): boolean {
    const t = this.now() - this.startedAt;
    return (this.options.stormWindows ?? []).some((w) => t >= w.fromMs && t < w.toMs);
  }

  private takeForced(method: string, endpoint: string): ForcedError | undefined {
    for (const key of [`${method} ${endpoint}`, endpoint]) {
      const queue = this.forced.get(key);
      if (queue && queue.length > 0) {
        const next = queue.shift();
        if (queue.length === 0) this.forced.delete(key);
        return next;
      }
    }
    return undefined;
  }
}

function matchesEndpoint(rule: string, method: string, endpoint: string): boolean {
  const key = normaliseEndpoint(rule);
  return key === endpoint || key === `${method} ${endpoint}`;
}

function normaliseEndpoint(endpoint: string): string {
  const m = /^([A-Z]+)\s+(.*)$/.exec(endpoint.trim());
  const strip = (p: string) => p.replace(/^\/+|\/+$/g, '').replace(/^v2\/pixverse\//, '');
  return m ? `${m[1]} ${strip(m[2]!)}` : strip(endpoint);
}

/**
 * Parses the CLI fault syntax, e.g.
 * `500=0.05,reset=0.02,reset-after=0.02,latency=50-200,truncate=0.1,storm=0.3,storm-window=10000-20000`,
 * and per-endpoint error rates `fail[GET scheduler]=0.3` (500), `fail[GET videos]=0.2:503`,
 * `fail[POST videos/create]=0.1:reset-after` (`reset`, `reset-after` or a status 400…599).
 * Throws an Error naming the bad item.
 */
export function parseFaultSpec(spec: string): FaultOptions {
  const faults: FaultOptions = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`fault "${item}" needs a value (name=value)`);
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    const probability = (): number => {
      const p = Number(value);
      if (value === '' || !Number.isFinite(p) || p < 0 || p > 1) throw new Error(`fault "${name}" expects a probability 0…1, got "${value}"`);
      return p;
    };
    const range = (): { min: number; max: number } => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(value);
      if (!m) throw new Error(`fault "${name}" expects milliseconds N or N-M, got "${value}"`);
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : Number(m[2]);
      if (max < min) throw new Error(`fault "${name}": ${max} is less than ${min}`);
      return { min, max };
    };
    const endpointRule = /^fail\[([^\]]+)\]$/.exec(name);
    if (endpointRule) {
      faults.endpointErrors = [...(faults.endpointErrors ?? []), parseEndpointError(endpointRule[1]!.trim(), value)];
      continue;
    }
    switch (name) {
      case '500':
        faults.error500 = probability();
        break;
      case 'reset':
        faults.resetBefore = probability();
        break;
      case 'reset-after':
        faults.resetAfter = probability();
        break;
      case 'latency':
        faults.latencyMs = range();
        break;
      case 'truncate':
        faults.truncateMedia = probability();
        break;
      case 'storm':
        faults.storm429 = probability();
        break;
      case 'storm-window': {
        const { min, max } = range();
        faults.stormWindows = [...(faults.stormWindows ?? []), { fromMs: min, toMs: max }];
        break;
      }
      default:
        throw new Error(`unknown fault "${name}" (known: 500, reset, reset-after, latency, truncate, storm, storm-window, fail[ENDPOINT])`);
    }
  }
  return faults;
}

/** `P` or `P:ERROR` of `fail[ENDPOINT]=…`, ERROR being a status 400…599, `reset` or `reset-after`. */
function parseEndpointError(endpoint: string, value: string): EndpointError {
  const [p = '', error = '500', extra] = value.split(':').map((s) => s.trim());
  const probability = Number(p);
  if (extra !== undefined || p === '' || !Number.isFinite(probability) || probability < 0 || probability > 1)
    throw new Error(`fault "fail[${endpoint}]" expects a probability 0…1, optionally :STATUS, :reset or :reset-after, got "${value}"`);
  if (error === 'reset') return { endpoint, probability, error: 'ECONNRESET' };
  if (error === 'reset-after') return { endpoint, probability, error: 'ECONNRESET_AFTER' };
  const status = Number(error);
  if (!Number.isInteger(status) || status < 400 || status > 599) throw new Error(`fault "fail[${endpoint}]": "${error}" is not a status 400…599, reset or reset-after`);
  return { endpoint, probability, error: status };
}
