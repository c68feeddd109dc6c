/** One throwaway PostgreSQL server and one temp folder per test file, started before its tests and removed after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './server.mjs';

export interface PgFixture {
  server: TestPostgres;
  /** A temp folder for the file's checkouts. */
  root: string;
}

/** Call inside a describe: its fields are set once beforeAll has run. */
export function usePostgres(prefix: string): PgFixture {
  const fixture = {} as PgFixture;
  beforeAll(async () => {
    fixture.server = await startPostgres();
    fixture.root = await mkdtemp(join(tmpdir(), `pixrender-${prefix}-`));
  });
  afterAll(async () => {
    await fixture.server?.stop();
    if (fixture.root) await rm(fixture.root, { recursive: true, force: true });
  });
  return fixture;
}
