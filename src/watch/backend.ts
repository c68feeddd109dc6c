/**
 * The one backend of a watch session: opened at the first valid load (it needs the project config),
 * reused by every run, closed when the session stops. Backend settings edited in the project config
 * during the session are not applied (that would mean a different API or simulator mid-session); a
 * warning says so.
 */
import type { ProjectConfig } from '../config.js';
import { openBackend, type Backend, type BackendOptions, type Loaded } from '../pipeline.js';
import type { SessionSink } from './events.js';

export interface SessionBackend {
  get(loaded: Loaded): Promise<Backend>;
  close(): Promise<void>;
}

export function sessionBackend(options: BackendOptions & { stateDir: string }, emit: SessionSink, open = openBackend): SessionBackend {
  let backend: Promise<Backend> | undefined;
  let openedWith = '';
  let warnedFor = '';
  const at = () => new Date().toISOString();

  return {
    get(loaded) {
      const settings = backendSettings(loaded.config);
      if (backend && settings !== openedWith && settings !== warnedFor) {
        warnedFor = settings;
        emit({ type: 'warning', at: at(), message: 'backend settings in the project config changed; this session keeps its backend (restart watch to use them)' });
      }
      if (!backend) {
        openedWith = settings;
        backend = open(loaded.config, loaded.catalog, options).then(
          (b) => {
            emit({ type: 'backend', at: at(), kind: b.kind, description: b.description, slots: b.slots });
            return b;
          },
          (error: unknown) => {
            backend = undefined; // the next cycle tries again (the session ends on a BackendError)
            throw error;
          },
        );
      }
      return backend;
    },
    async close() {
      const open = await backend?.catch(() => undefined);
      backend = undefined;
      await open?.close();
    },
  };
}

function backendSettings(config: ProjectConfig): string {
  const { backend, apiUrl, tokenEnv, accounts, sim } = config;
  return JSON.stringify({ backend, apiUrl, tokenEnv, accounts, sim });
}
