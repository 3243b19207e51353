import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, NO_SCOPE } from '../db/index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { BossDatabase } from './boss-database.js';

let db: TestDatabase;
let boss: BossDatabase;
const reported: unknown[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  boss = new BossDatabase(db, (error) => reported.push(error));
});
afterAll(() => db.destroy());

const owner = async () =>
  (await sql<{ who: string }>`select current_user as who`.execute(db.kysely)).rows[0]!.who;

describe("pg-boss's statements through the application's database", () => {
  it('run as the application role, statements and scripts alike, and leave the connection as it was', async () => {
    const before = await owner();
    const { rows } = await boss.executeSql('select current_user as who, $1::int as n', [7]);
    expect(rows).toEqual([{ who: 'tandem_app', n: 7 }]);
    await boss.executeSql(`BEGIN;
      SELECT pg_advisory_xact_lock(1);
      UPDATE pgboss.version SET maintained_on = now() WHERE current_user = 'tandem_app';
      COMMIT;`);
    const maintained = await sql<{ at: Date | null }>`select maintained_on as at from pgboss.version`.execute(
      db.kysely,
    );
    expect(maintained.rows[0]!.at).not.toBeNull();
    expect(await owner()).toBe(before);
  });

  it('end a failed script’s transaction before the connection is used again', async () => {
    await expect(boss.executeSql('BEGIN;\nSELECT 1/0;\nCOMMIT;')).rejects.toThrow(/division by zero/);
    expect(await owner()).not.toBe('tandem_app');
    const { rows } = await sql<{ status: string }>`select 'usable' as status`.execute(db.kysely);
    expect(rows[0]!.status).toBe('usable');
  });

  it('give the application role what pg-boss needs and nothing of the owner’s', async () => {
    await boss.executeSql('select app_create_job_queue($1)', ['test.grants']);
    const queue = await boss.executeSql('select name, policy from pgboss.queue where name = $1', [
      'test.grants',
    ]);
    expect(queue.rows).toEqual([{ name: 'test.grants', policy: 'short' }]);
    const refused = [
      sql`select pgboss.delete_queue('test.grants')`,
      sql`create table pgboss.mine (id int)`,
      sql`truncate pgboss.job`,
    ];
    for (const statement of refused) {
      await expect(inScope(db, NO_SCOPE, (tx) => statement.execute(tx))).rejects.toThrow(
        /permission denied|must be owner/,
      );
    }
    await expect(boss.executeSql('select app_create_job_queue($1)', ['Not A Name'])).rejects.toThrow(
      /not a job queue name/,
    );
  });

  it('make queues asked for at once, from several sessions, without a deadlock', async () => {
    const other = new BossDatabase(db, (error) => reported.push(error));
    const names = ['test.race', 'test.race', 'test.race-2', 'test.race-3'];
    await Promise.all(
      names.map((name, n) => (n % 2 ? other : boss).executeSql('select app_create_job_queue($1)', [name])),
    );
    const { rows } = await boss.executeSql(
      "select count(*)::int as n from pgboss.queue where name like 'test.race%'",
    );
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('report, not throw, a failure to record a job’s outcome (pg-boss does not wait for it)', async () => {
    const plans = (await import('pg-boss/src/plans.js')).default;
    const result = await boss.executeSql(plans.completeJobs('pgboss'), [
      'no-such-queue',
      ['not-a-uuid'],
      null,
    ]);
    expect(result).toEqual({ rows: [{ count: '0' }] });
    expect(reported).toHaveLength(1);
  });

  it('refuse to run inside a unit of work (the embedded engine would wait for ever)', async () => {
    await expect(inScope(db, NO_SCOPE, () => boss.executeSql('select 1'))).rejects.toThrow(
      /inside a unit of work/,
    );
    await boss.drain();
  });
});
