/**
 * Colours for terminals that show them: NO_COLOR turns them off, FORCE_COLOR on (also in pipes);
 * otherwise only on a TTY that supports colour, and never in a CI log (ci-info knows the CI services).
 */
import { createRequire } from 'node:module';
import { styleText } from 'node:util';

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';

export interface ColourEnv {
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  /** The stream's own verdict (tty.WriteStream.hasColors), when it is a terminal. */
  hasColors?: () => boolean;
  isCI: boolean;
}

export function coloursWanted({ env, isTTY, hasColors, isCI }: ColourEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false'].includes(force.toLowerCase());
  return isTTY && !isCI && (hasColors?.() ?? true);
}

export function coloursFor(stream: NodeJS.WriteStream): boolean {
  const isTTY = stream.isTTY === true;
  return coloursWanted({
    env: process.env,
    isTTY,
    ...(typeof stream.hasColors === 'function' ? { hasColors: () => stream.hasColors() } : {}),
    // Off a terminal the answer is no whatever the CI: ci-info (and its list of services) is not read.
    isCI: isTTY && inCI(),
  });
}

/** A painter: styles text when colours are on, else returns it as it is. */
export type Paint = (style: Style | Style[], text: string) => string;

export const noPaint: Paint = (_style, text) => text;

export function painter(on: boolean): Paint {
  if (!on) return noPaint;
  // The decision is taken above, for the stream the text goes to: Node 22+ would otherwise check stdout.
  const style = styleText as (format: Style | Style[], text: string, options?: { validateStream?: boolean }) => string;
  return (format, text) => style(format, text, { validateStream: false });
}

/** Whether the run is in a CI service (GitHub Actions, GitLab, …), by the variables each sets. */
export const inCI = (): boolean => (createRequire(import.meta.url)('ci-info') as typeof import('ci-info')).isCI;
