/** Which backend a run talks to, decided from the project config and the environment alone. */
import type { ProjectConfig } from './config.js';

/**
 * The backend a run would use: a token (in the variable config names, default USEAPI_TOKEN) or an
 * explicit API URL means the real API; otherwise the embedded simulator.
 */
export function backendKindFor(
  config: ProjectConfig,
  env: NodeJS.ProcessEnv,
  choice: 'auto' | 'sim' | 'useapi' = config.backend ?? 'auto',
  apiUrl?: string,
): 'sim' | 'useapi' {
  if (choice !== 'auto') return choice;
  return env[config.tokenEnv ?? 'USEAPI_TOKEN'] || apiUrl ? 'useapi' : 'sim';
}
