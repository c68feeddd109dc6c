/** The simulator's options and their defaults. */
import { loadCatalog, type Catalog, type CatalogOverrides } from '../catalog.js';
import { systemClock, type Clock } from '../clock.js';
import { generateTemplateLists } from '../templates/generate.js';
import type { TemplateLists } from '../templates/types.js';
import { defaultAccountEmails, type AccountSpec } from './accounts.js';
import type { FaultOptions } from './faults.js';
import { defaultMediaDir } from './media.js';

export interface ModerationOptions {
  /** Words (case-insensitive, anywhere in a prompt-like field) refused at submit with 422. @default ['sim:reject'] */
  rejectWords?: string[];
  /** Words that let the job run and end with status 7 MODERATED. @default ['sim:moderate'] */
  moderateWords?: string[];
  /** Words that make the job end with status 8 FAILED. @default ['sim:fail'] */
  failWords?: string[];
  /** Probability that any accepted job ends with status 8 FAILED. @default 0 */
  failureRate?: number;
}

export interface SimulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** Bearer token the simulator accepts. @default random `user:<n>-<alnum>` */
  token?: string;
  /** Number of accounts (render01@sim.pixrender.local, …) or explicit accounts. @default 1 */
  accounts?: number | AccountSpec[];
  /** maxJobs of accounts that do not set their own. @default 5 */
  maxJobs?: number;
  /** Starting monthly credits of accounts that do not set their own. @default 15000 */
  credits?: number;
  /** Multiplies every simulated duration (queue, render, off-peak wait): 0.001 makes a 45 s job take 45 ms. @default 1 */
  timeScale?: number;
  /** Seed of every random choice (faults, account choice, ids, failures). @default 1 */
  seed?: number;
  faults?: FaultOptions;
  moderation?: ModerationOptions;
  /** Whether an off-peak job holds a maxJobs slot while it waits for off-peak hours. @default true */
  offPeakHoldsSlot?: boolean;
  /** The plan's off-peak price factor, charged and reported by GET features as `off_peak_discount`. @default 0.7 (the 2026 reference's example) */
  offPeakDiscount?: number;
  /** The plan's preview-mode price factor, charged and reported as `preview_mode_discount`. @default 0.8 */
  previewDiscount?: number;
  /** Report `off_peak`/`off_peak_discount`/`preview_mode`/`preview_mode_discount` in GET features (false: an API revision without them). @default true */
  offPeakFeatureFields?: boolean;
  /** Name itself in every answer (`x-pixrender-simulator: time-scale=…`); false answers like the real API, for tests that stand it in for one. @default true */
  identify?: boolean;
  /** Shape of executing items in GET scheduler*: `{id, type}` (since 2026-03-09) or the 2025 `videoId` / `video_id`. @default '2026' */
  schedulerShape?: '2026' | '2025';
  /** Seconds an off-peak job waits before it is queued (scaled by timeScale). @default catalog timing.off_peak_wait_s */
  offPeakWaitSeconds?: number;
  /** The plan's concurrent-generation limit reported by GET features. @default 8 */
  genSimultaneously?: number;
  /** Catalog overrides (deep-merged into the built-in catalog), or a whole catalog. */
  catalog?: CatalogOverrides | Catalog;
  /** The effects, voices and restyles served and accepted. @default generated from the catalog (src/templates/generate.ts) */
  templates?: TemplateLists;
  clock?: Clock;
  /** Cache of generated media, shared between processes. @default $PIXRENDER_SIM_MEDIA_DIR or <tmpdir>/pixrender-sim-media */
  mediaDir?: string;
  /** Largest accepted POST files body. @default 256 MiB */
  maxUploadBytes?: number;
  /**
   * Keep accounts, balances, jobs and uploads in this JSON file (uploads beside it in `<name>-uploads/`),
   * so a later simulator process continues where this one stopped. Without an explicit `token`, the saved
   * token is reused.
   */
  stateFile?: string;
}

export interface ResolvedOptions {
  port: number;
  token: string;
  accounts: AccountSpec[];
  maxJobs: number;
  credits: number;
  timeScale: number;
  seed: number;
  faults: FaultOptions;
  moderation: Required<ModerationOptions>;
  offPeakHoldsSlot: boolean;
  offPeakDiscount: number;
  previewDiscount: number;
  offPeakFeatureFields: boolean;
  offPeakWaitSeconds: number;
  schedulerShape: '2026' | '2025';
  identify: boolean;
  genSimultaneously: number;
  catalog: Catalog;
  templates: TemplateLists;
  clock: Clock;
  mediaDir: string;
  maxUploadBytes: number;
  stateFile?: string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const tail = Array.from(bytes, (b) => ALNUM[b % ALNUM.length]).join('');
  return `user:${1000 + (bytes[0]! * 256 + bytes[1]!) % 9000}-${tail}`;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new TypeError(message);
}

export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  const catalog = loadCatalog(o.catalog as CatalogOverrides | undefined);
  const maxJobs = o.maxJobs ?? 5;
  const credits = o.credits ?? 15_000;
  const accounts = typeof o.accounts === 'object' ? o.accounts : defaultAccountEmails(o.accounts ?? 1).map((email) => ({ email }));
  check(Number.isInteger(maxJobs) && maxJobs >= 1, `maxJobs must be an integer >= 1, got ${maxJobs}`);
  check(Number.isFinite(credits) && credits >= 0, `credits must be a number >= 0, got ${credits}`);
  check(accounts.every((a) => typeof a.email === 'string' && a.email.includes('@')), 'every account needs an email');
  const timeScale = o.timeScale ?? 1;
  check(Number.isFinite(timeScale) && timeScale >= 0, `timeScale must be a number >= 0, got ${timeScale}`);
  const token = o.token ?? randomToken();
  check(token.length > 0, 'token must not be empty');
  return {
    port: o.port ?? 0,
    token,
    accounts,
    maxJobs,
    credits,
    timeScale,
    seed: o.seed ?? 1,
    faults: o.faults ?? {},
    moderation: {
      rejectWords: o.moderation?.rejectWords ?? ['sim:reject'],
      moderateWords: o.moderation?.moderateWords ?? ['sim:moderate'],
      failWords: o.moderation?.failWords ?? ['sim:fail'],
      failureRate: o.moderation?.failureRate ?? 0,
    },
    offPeakHoldsSlot: o.offPeakHoldsSlot ?? true,
    offPeakDiscount: o.offPeakDiscount ?? 0.7,
    previewDiscount: o.previewDiscount ?? 0.8,
    offPeakFeatureFields: o.offPeakFeatureFields ?? true,
    offPeakWaitSeconds: o.offPeakWaitSeconds ?? catalog.timing.off_peak_wait_s,
    genSimultaneously: o.genSimultaneously ?? 8,
    schedulerShape: o.schedulerShape ?? '2026',
    identify: o.identify ?? true,
    catalog,
    templates: o.templates ?? generateTemplateLists(catalog),
    clock: o.clock ?? systemClock,
    mediaDir: o.mediaDir ?? defaultMediaDir(),
    maxUploadBytes: o.maxUploadBytes ?? 256 * 1024 * 1024,
    ...(o.stateFile !== undefined ? { stateFile: o.stateFile } : {}),
  };
}
