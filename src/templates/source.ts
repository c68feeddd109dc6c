/**
 * Which template lists a manifest is checked against, read before validation: the embedded simulator's
 * own list for the simulator backend; for an API, the cached list while it is fresh, else the live one
 * (stored in the cache). Offline with nothing cached, the lists are marked unavailable, and only jobs
 * that name a template get a diagnostic saying so.
 */
import { dirname, join, resolve } from 'node:path';
import type { PixverseApi } from '../api/api.js';
import { DEFAULT_API_URL } from '../api/protocol.js';
import { backendKindFor } from '../backend-kind.js';
import type { Catalog } from '../catalog.js';
import type { ProjectConfig } from '../config.js';
import type { Diagnostic } from '../diagnostic.js';
import { loadManifest, type LoadOptions, type LoadResult } from '../manifest/index.js';
import { cachedLists, isFresh, storeLists } from './cache.js';
import { generateTemplateLists } from './generate.js';
import type { TemplateLists } from './types.js';
import { fetchTemplateLists } from './wire.js';

/** What picks the backend (as `render` would) and how to reach an API. */
export interface TemplateBackend {
  backend?: 'auto' | 'sim' | 'useapi';
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Read the live lists even when the cache is fresh. */
  refresh?: boolean;
  now?: () => Date;
}

export interface TemplateRead {
  lists: TemplateLists;
  /** Read from the API just now (a retry would read the same). */
  live: boolean;
  /** A note for the user (a stale cache used offline), as a warning diagnostic. */
  note?: Diagnostic;
}

/** The API base a project talks to, or undefined for the embedded simulator. */
export function apiBaseFor(config: ProjectConfig, o: TemplateBackend): string | undefined {
  if (backendKindFor(config, o.env ?? process.env, o.backend, o.apiUrl) === 'sim') return undefined;
  return (o.apiUrl ?? config.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
}

export async function readTemplates(config: ProjectConfig, catalog: Catalog, stateDir: string, o: TemplateBackend = {}): Promise<TemplateRead> {
  const base = apiBaseFor(config, o);
  if (base === undefined) return { lists: generateTemplateLists(catalog), live: false };
  const now = (o.now ?? (() => new Date()))();
  const cached = await cachedLists(stateDir, base);
  if (cached && !o.refresh && isFresh(cached, now)) return { lists: cached, live: false };
  const token = (o.env ?? process.env)[config.tokenEnv ?? 'USEAPI_TOKEN'];
  let failure: string;
  if (token) {
    // GETs only: transient failures are simply read again.
    // The HTTP client loads only when a list is really fetched (validate and plan start without it).
    const { PixverseClient } = await import('../api/client.js');
    const api = new PixverseClient({ baseUrl: base, token, timeoutMs: 30_000, getRetries: 5 });
    try {
      const lists = await fetchTemplateLists(api, await listEmail(api, config), now);
      // The cache only saves requests: a full disk or a read-only folder must not fail the read.
      await storeLists(stateDir, base, lists).catch(() => undefined);
      return { lists, live: true };
    } catch (error) {
      failure = `the lists could not be read (${(error as Error).message})`;
    } finally {
      await api.close();
    }
  } else failure = `no API token to read them (set ${config.tokenEnv ?? 'USEAPI_TOKEN'})`;
  if (cached)
    return { lists: cached, live: false, note: { severity: 'warning', code: 'templates-stale', message: `effects, voices and restyles from the list cached ${cached.fetchedAt ?? 'earlier'}: ${failure}` } };
  return { lists: { effects: [], voices: [], restyles: [], source: 'api', unavailable: `no effects, voices or restyles are cached for ${base}, and ${failure}` }, live: false };
}

/** The account the lists are read for: the first configured, else the first the API lists. */
async function listEmail(api: PixverseApi, config: ProjectConfig): Promise<string | undefined> {
  if (config.accounts?.[0]) return config.accounts[0].email;
  return Object.keys(await api.getAccounts().catch(() => ({})))[0];
}

const UNKNOWN_NAME = new Set(['unknown-effect', 'unknown-voice', 'unknown-style']);

/**
 * loadManifest with the template lists of the backend the manifest would render on. Against an API, the
 * lists are read only for a manifest that names a template: first against the cache (fresh or not, no
 * request), then live when the cache is missing, expired, or lacks a name (a template added since).
 */
export async function loadWithTemplates(file: string, options: Omit<LoadOptions, 'templates'> & { config: ProjectConfig; catalog: Catalog }, o: TemplateBackend = {}): Promise<LoadResult> {
  const stateDir = join(dirname(resolve(file)), '.pixrender');
  const base = apiBaseFor(options.config, o);
  // The simulator's lists: loadManifest makes them from the catalog if a job names a template.
  if (base === undefined) return loadManifest(file, options);
  const cached = await cachedLists(stateDir, base);
  const offline: TemplateLists = cached ?? { effects: [], voices: [], restyles: [], source: 'api', unavailable: 'not read yet' };
  const first = await loadManifest(file, { ...options, templates: offline });
  const names = first.diagnostics.some((d) => UNKNOWN_NAME.has(d.code)) || first.manifest?.jobs.some((j) => j.templates) === true;
  const fresh = cached !== undefined && isFresh(cached, (o.now ?? (() => new Date()))());
  const unknown = first.diagnostics.some((d) => UNKNOWN_NAME.has(d.code));
  if (!names || (fresh && !unknown && !o.refresh)) return first;
  const read = await readTemplates(options.config, options.catalog, stateDir, { ...o, refresh: true });
  const result = read.live || !cached ? await loadManifest(file, { ...options, templates: read.lists }) : first;
  return read.note ? { ...result, diagnostics: [read.note, ...result.diagnostics] } : result;
}

/**
 * `pixrender models --refresh`: reads the lists of the backend the project in `dir` renders on now and
 * stores them in `dir/.pixrender/templates.json`. Returns the line to print.
 */
export async function refreshTemplates(dir: string, config: ProjectConfig, catalog: Catalog, o: TemplateBackend = {}): Promise<{ ok: boolean; line: string }> {
  const base = apiBaseFor(config, o);
  const read = await readTemplates(config, catalog, join(resolve(dir), '.pixrender'), { ...o, refresh: true });
  const counts = `${read.lists.effects.length} effects, ${read.lists.voices.length} voices, ${read.lists.restyles.length} restyle presets`;
  if (base === undefined) return { ok: true, line: `templates: ${counts} (the embedded simulator's list; nothing to refresh)` };
  if (read.live) return { ok: true, line: `templates: ${counts} read from ${base}, cached in .pixrender/templates.json` };
  return { ok: false, line: `templates: not refreshed: ${read.note?.message ?? read.lists.unavailable ?? 'no answer'}` };
}
