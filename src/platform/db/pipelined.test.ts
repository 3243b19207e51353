import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { readInScope, type Scope } from './index.js';
import { demoIds, openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { databaseUrl, testEngine } from '../../../test/helpers/engine.js';
import { pipelinedPool } from './pipelined.js';

/**
 * Single-statement reads share connections many at a time (pipelined on a server). Whatever is in
 * flight together, each must run with its own scope and fail or succeed on its own.
 */
let db: TestDatabase;
let scopes: Array<{ code: string; scope: Scope }>;

beforeAll(async () => {
  db = await openTestDatabase();
  const ids = await demoIds(db);
  scopes = ['MCC', 'WDC', 'MFRS', 'SVCT', 'BWF'].map((code) => ({
    code,
    scope: { userId: ids.users['requester@wyvern.example'], orgIds: [ids.orgs[code]!] },
  }));
});
afterAll(() => db.destroy());

const visibleCodes = sql<{ code: string; role: string; org_ids: string }>`
  select o.code, current_user as role, current_setting('app.org_ids', true) as org_ids
    from organisations o
   where o.id = any(app_org_ids())`;

describe('single-statement reads in flight together', () => {
  it('each see only their own scope, whatever else is in flight', async () => {
    const reads = Array.from({ length: 200 }, (_, i) => scopes[i % scopes.length]!);
    const results = await Promise.all(
      reads.map(({ scope }) => readInScope(db, scope, async (tx) => (await visibleCodes.execute(tx)).rows)),
    );
    results.forEach((rows, i) => {
      expect(rows.map((row) => row.code)).toEqual([reads[i]!.code]);
      expect(rows[0]!.role).toBe('tandem_app');
      expect(rows[0]!.org_ids).toBe(reads[i]!.scope.orgIds[0]);
    });
  });

  it('fail on their own: an error in one leaves the others, and the connection, as they were', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => {
        const { scope } = scopes[i % scopes.length]!;
        return readInScope(db, scope, async (tx) =>
          i % 3 === 1
            ? (await sql<{ n: number }>`select 1 / (${i}::int - ${i}::int) as n`.execute(tx)).rows
            : (await visibleCodes.execute(tx)).rows,
        );
      }),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 3 === 1) {
        expect(outcome.status).toBe('rejected');
        expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/division by zero/);
      } else {
        expect(outcome.status).toBe('fulfilled');
        expect((outcome as PromiseFulfilledResult<Array<{ code: string }>>).value.map((r) => r.code)).toEqual(
          [scopes[i % scopes.length]!.code],
        );
      }
    });
  });

  it('leave nothing of their scope behind for the next statement on the connection', async () => {
    await readInScope(db, scopes[0]!.scope, (tx) => visibleCodes.execute(tx));
    const after = await sql<{ role: string; org_ids: string | null }>`
      select current_user as role, nullif(current_setting('app.org_ids', true), '') as org_ids`.execute(
      db.reads,
    );
    expect(after.rows[0]).toEqual({ role: expect.not.stringMatching(/^tandem_app$/), org_ids: null });
  });
});

// TANDEM_DB_PIPELINES=0: no pipelined connections at all, as when pg's internals cannot be relied on.
describe.runIf(testEngine() === 'server')('with no pipelined connections (pipelines: 0)', () => {
  const readConnections = (on: TestDatabase) =>
    sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
       where datname = current_database() and application_name = 'tandem reads'`.execute(on.kysely);

  it('single-statement reads take a connection from the pool, with their scope, and leave nothing of it', async () => {
    // The database shared by the tests above has its pipelined connection open.
    expect((await readConnections(db)).rows[0]!.n).toBeGreaterThan(0);

    const plain = await openTestDatabase({ pipelines: 0 });
    try {
      expect(plain.reads).toBe(plain.kysely);
      const results = await Promise.all(
        scopes.map(({ scope }) =>
          readInScope(plain, scope, async (tx) => (await visibleCodes.execute(tx)).rows),
        ),
      );
      expect(results.map((rows) => rows.map((row) => row.code))).toEqual(scopes.map(({ code }) => [code]));
      expect(results.every((rows) => rows[0]!.role === 'tandem_app')).toBe(true);
      await expect(
        readInScope(plain, scopes[0]!.scope, async (tx) => {
          await visibleCodes.execute(tx);
          return visibleCodes.execute(tx);
        }),
      ).rejects.toThrow(/second statement/);
      const after = await sql<{ role: string; org_ids: string | null }>`
        select current_user as role, nullif(current_setting('app.org_ids', true), '') as org_ids`.execute(
        plain.kysely,
      );
      expect(after.rows[0]).toEqual({ role: expect.not.stringMatching(/^tandem_app$/), org_ids: null });
      expect((await readConnections(plain)).rows[0]!.n).toBe(0);
    } finally {
      await plain.destroy();
    }
  });
});

// The read timer belongs to each read: a connection that has answered everything keeps working
// however long it stays open.
describe.runIf(testEngine() === 'server')('a shared connection kept busy past the read timeout', () => {
  it('stays open and answers: nothing it has finished can time it out later', async () => {
    const { name } = db as TestDatabase & { name: string };
    const pool = pipelinedPool(databaseUrl(name), 1, 300);
    try {
      const client = await pool.connect();
      const pid = async () =>
        (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const first = await pid();
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await pid()).toBe(first);
      expect(await pool.connect()).toBe(client);
    } finally {
      await pool.end();
    }
  });
});

// A read the server does not answer in time must not hold up, for ever, those queued behind it.
describe.runIf(testEngine() === 'server')('a shared read that runs past its time', () => {
  it('fails, fails those queued behind it with the connection, and the next read opens a new one', async () => {
    const { name } = db as TestDatabase & { name: string };
    const pool = pipelinedPool(databaseUrl(name), 1, 300);
    try {
      const client = await pool.connect();
      // The server's own limit is lifted, so that only the client's can end the wait.
      await client.query('set statement_timeout = 0');
      const started = Date.now();
      const [slow, behind] = await Promise.allSettled([
        client.query('select pg_sleep(10)'),
        client.query('select 1 as n'),
      ]);
      expect(Date.now() - started).toBeLessThan(5000);
      for (const outcome of [slow, behind]) {
        expect(outcome.status).toBe('rejected');
        expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/timeout|terminated/i);
      }
      const next = await pool.connect();
      expect(next).not.toBe(client);
      expect((await next.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
