import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { testEngine } from '../../../test/helpers/engine.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.destroy());

/** Resolves when `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('listening for notifications', () => {
  it.runIf(testEngine() === 'embedded')(
    'is at once "listening" on the embedded engine, which is one process\'s alone',
    () => {
      const states: boolean[] = [];
      const stop = db.listen('tandem_test', { heard: () => {}, state: (live) => states.push(live) });
      expect(states).toEqual([true]);
      return stop();
    },
  );

  it.runIf(testEngine() === 'server')(
    'hears what other sessions announce once committed, not what they roll back, and listens again after losing its connection',
    async () => {
      const heard: string[] = [];
      const states: boolean[] = [];
      const stop = db.listen('tandem_test', {
        heard: (payload) => heard.push(payload),
        state: (live) => states.push(live),
      });
      try {
        // Not listening until the connection is up.
        expect(states).toEqual([false]);
        await until(() => states.at(-1) === true);

        await db.kysely
          .transaction()
          .execute(async (tx) => {
            await sql`select pg_notify('tandem_test', 'rolled back')`.execute(tx);
            throw new Error('roll back');
          })
          .catch(() => {});
        await sql`select pg_notify('tandem_test', 'one')`.execute(db.kysely);
        await sql`select pg_notify('another_channel', 'not ours')`.execute(db.kysely);
        await until(() => heard.length > 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(heard).toEqual(['one']);

        // An administrator (or a restart of the database) ends the listening session.
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                   where application_name = 'tandem listen' and datname = current_database()`.execute(
          db.kysely,
        );
        await until(() => states.includes(false, 2));
        await until(() => states.at(-1) === true);
        await sql`select pg_notify('tandem_test', 'two')`.execute(db.kysely);
        await until(() => heard.includes('two'));
      } finally {
        await stop();
      }
    },
  );
});
