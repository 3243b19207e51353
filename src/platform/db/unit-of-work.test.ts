import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { commitWith, inScope, readInScope, NO_SCOPE, type Scope, type Tx } from './index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';

let db: TestDatabase;
let scope: Scope;

beforeAll(async () => {
  db = await openTestDatabase();
  const org = await db.kysely
    .selectFrom('organisations')
    .select('id')
    .where('code', '=', 'WDC')
    .executeTakeFirstOrThrow();
  const user = await db.kysely
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'requester@wyvern.example')
    .executeTakeFirstOrThrow();
  scope = { userId: user.id, orgIds: [org.id] };
});
afterAll(() => db.destroy());

const whoAmI = sql<{ role: string; user_id: string; org_ids: string }>`
  select current_user as role, current_setting('app.user_id', true) as user_id, current_setting('app.org_ids', true) as org_ids`;

/** Renames one organisation, as a platform administrator may, and reads its name back. */
const admin: Scope = { orgIds: [], platformAdmin: true };
const rename = (name: string) => (tx: Tx) =>
  tx.updateTable('organisations').set({ name }).where('code', '=', 'SVCT').returning('name').execute();
const name = async () =>
  (
    await db.kysely
      .selectFrom('organisations')
      .select('name')
      .where('code', '=', 'SVCT')
      .executeTakeFirstOrThrow()
  ).name;

describe('units of work', () => {
  it('run their first query already as the application role, with the scope set', async () => {
    const seen = await inScope(db, scope, async (tx) => (await whoAmI.execute(tx)).rows[0]);
    expect(seen).toEqual({ role: 'tandem_app', user_id: scope.userId, org_ids: scope.orgIds[0] });
    const read = await readInScope(db, scope, async (tx) => (await whoAmI.execute(tx)).rows[0]);
    expect(read).toEqual(seen);
  });

  it('leave nothing behind on the connection: the owner is the owner again afterwards', async () => {
    await inScope(db, scope, (tx) => whoAmI.execute(tx));
    await readInScope(db, scope, (tx) => whoAmI.execute(tx));
    const after = (await whoAmI.execute(db.kysely)).rows[0]!;
    expect(after.role).not.toBe('tandem_app');
    expect(after.org_ids ?? '').toBe('');
  });

  it('commit every statement together, or none of them', async () => {
    await expect(
      inScope(db, admin, async (tx) => {
        await rename('First')(tx);
        await rename('Second')(tx);
        await sql`select 1 / 0`.execute(tx);
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await name()).toBe('Severn Vale Community Trust');
    await inScope(db, admin, async (tx) => {
      await rename('First')(tx);
      await rename('Severn Vale Community Trust')(tx);
    });
    expect(await name()).toBe('Severn Vale Community Trust');
  });

  it('recover from a first query that fails, on the same connection', async () => {
    await expect(inScope(db, scope, (tx) => sql`select * from no_such_table`.execute(tx))).rejects.toThrow(
      /no_such_table/,
    );
    await expect(
      readInScope(db, scope, (tx) => sql`select * from no_such_table`.execute(tx)),
    ).rejects.toThrow(/no_such_table/);
    const seen = await inScope(db, scope, async (tx) => (await whoAmI.execute(tx)).rows[0]);
    expect(seen?.role).toBe('tandem_app');
  });

  it('return what the work returns when it runs no query', async () => {
    expect(await inScope(db, NO_SCOPE, async () => 'nothing to do')).toBe('nothing to do');
  });

  it('refuse a second statement in a single-statement read', async () => {
    await expect(
      readInScope(db, scope, async (tx) => {
        await whoAmI.execute(tx);
        await whoAmI.execute(tx);
      }),
    ).rejects.toThrow(/single-statement/);
  });
});

describe('a last statement that carries the COMMIT (commitWith)', () => {
  afterAll(() => inScope(db, admin, (tx) => rename('Severn Vale Community Trust')(tx)));

  // A COMMIT sent afterwards would itself be refused (see the last test), failing the unit of work.
  it('keeps what the unit of work wrote, answers with its own result, and sends no COMMIT after', async () => {
    const renamed = await inScope(db, admin, async (tx) => {
      await rename('First')(tx);
      return commitWith(() => rename('Second')(tx));
    });
    expect(renamed).toEqual([{ name: 'Second' }]);
    expect(await name()).toBe('Second');
    const seen = await inScope(db, scope, async (tx) =>
      commitWith(async () => (await whoAmI.execute(tx)).rows[0]),
    );
    expect(seen).toEqual({ role: 'tandem_app', user_id: scope.userId, org_ids: scope.orgIds[0] });
    const after = (await whoAmI.execute(db.kysely)).rows[0]!;
    expect(after.role).not.toBe('tandem_app');
  });

  it('keeps nothing if the last statement fails, and the connection goes on', async () => {
    await expect(
      inScope(db, admin, async (tx) => {
        await rename('Third')(tx);
        await commitWith(() => sql`select 1 / 0`.execute(tx));
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await name()).toBe('Second');
    expect((await inScope(db, scope, async (tx) => (await whoAmI.execute(tx)).rows[0]))?.role).toBe(
      'tandem_app',
    );
  });

  it('refuses any statement after it: the connection has left the transaction and its scope', async () => {
    await expect(
      inScope(db, admin, async (tx) => {
        await commitWith(() => rename('Fourth')(tx));
        await rename('Fifth')(tx);
      }),
    ).rejects.toThrow(/after its unit of work committed/);
    expect(await name()).toBe('Fourth');
  });
});
