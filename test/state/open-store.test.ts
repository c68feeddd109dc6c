import { describe, expect, it } from 'vitest';
import { storeChoice } from '../../src/state/open-store.js';
import { isStateError } from '../../src/state/store.js';

describe('choosing the state store', () => {
  it('is the file store unless the config or $PIXRENDER_STORE names a PostgreSQL URL; the environment wins', () => {
    expect(storeChoice(undefined, {})).toEqual({ kind: 'file' });
    expect(storeChoice('file', {})).toEqual({ kind: 'file' });
    expect(storeChoice('postgres://db/render', {})).toEqual({ kind: 'postgres', url: 'postgres://db/render' });
    expect(storeChoice('postgres://db/render', { PIXRENDER_STORE: 'file' })).toEqual({ kind: 'file' });
    expect(storeChoice(undefined, { PIXRENDER_STORE: 'postgresql://u@h/x' })).toEqual({ kind: 'postgres', url: 'postgresql://u@h/x' });
  });

  it('refuses anything else without echoing what follows the scheme (it may hold a password)', () => {
    let error: unknown;
    try {
      storeChoice(undefined, { PIXRENDER_STORE: 'mysql://root:hunter2@db/x' });
    } catch (e) {
      error = e;
    }
    expect(isStateError(error, 'store-config')).toBe(true);
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).toContain('$PIXRENDER_STORE');
  });
});
