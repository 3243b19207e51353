import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { readInScope, type Scope } from './index.js';
import { demoIds, openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';

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
