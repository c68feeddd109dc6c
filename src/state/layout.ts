/**
 * Where a checkout keeps its files beside a manifest: the committed lock, and under `.pixrender/` the
 * journal, the run lock, frames extracted for jobs and renders kept aside. Declared once here; the
 * executor gets the folders it writes to from the edge (src/pipeline.ts), never by joining names itself.
 */
import { basename, dirname, join, relative, resolve } from 'node:path';

export interface StatePaths {
  manifest: string;
  manifestDir: string;
  lock: string;
  stateDir: string;
  journal: string;
  pid: string;
}

/** Work folders the executor writes to. */
export interface RunLayout {
  /** The lock file as users name it (relative to the manifest folder), for messages. */
  lockName: string;
  /** Frames extracted from job outputs (inputs of later jobs). */
  framesDir: string;
  /** Where a paid-for render of a superseded job version is kept, relative to the manifest folder. */
  asidePath(job: string, fingerprint: string): string;
}

export const STATE_DIR_NAME = '.pixrender';
export const ASIDE_DIR = `${STATE_DIR_NAME}/aside`;

export function statePaths(manifestFile: string, stateDir?: string, lockFile?: string): StatePaths {
  const manifest = resolve(manifestFile);
  const manifestDir = dirname(manifest);
  const dir = stateDir ? resolve(stateDir) : join(manifestDir, STATE_DIR_NAME);
  const name = basename(manifest);
  const lock = lockFile ? resolve(lockFile) : `${manifest}.lock`;
  return { manifest, manifestDir, lock, stateDir: dir, journal: join(dir, `${name}.journal`), pid: join(dir, `${name}.pid`) };
}

/** The default state folder of a manifest (`.pixrender` beside it). */
export function defaultStateDir(manifestFile: string): string {
  return join(dirname(resolve(manifestFile)), STATE_DIR_NAME);
}

export function runLayout(manifestFile: string, state: { stateDir?: string; lockFile?: string } = {}): RunLayout {
  const stateDir = defaultStateDir(manifestFile);
  const paths = statePaths(manifestFile, state.stateDir, state.lockFile);
  return {
    lockName: relative(paths.manifestDir, paths.lock),
    framesDir: join(stateDir, 'frames'),
    asidePath: (job, fingerprint) => `${ASIDE_DIR}/${job.replace(/[^\w.\-[\]=,]/g, '_')}@${fingerprint.slice(0, 12)}.mp4`,
  };
}
