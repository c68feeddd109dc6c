import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresMissing, startPostgres, type TestPostgres } from './server.mjs';

const missing = postgresMissing();
if (missing) console.warn(`skipping PostgreSQL tests: ${missing}`);

describe.skipIf(missing !== undefined)('the test PostgreSQL server', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('accepts connections on 127.0.0.1 and gives each test its own database', async () => {
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; user: string }>('SELECT current_database() AS db, current_user AS user');
      expect(rows[0]).toEqual({ db: new URL(url).pathname.slice(1), user: 'postgres' });
    } finally {
      await client.end();
    }
  });
});
