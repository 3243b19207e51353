import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import {
  applicationRoleProblems,
  inScope,
  migrate,
  NO_SCOPE,
  openDatabase,
  readInScope,
  refuseUnsafeApplicationRole,
  UnsafeDatabaseRoleError,
  type Scope,
} from './index.js';
import { loadConfig } from '../../config.js';
import { startTandem } from '../../start.js';
import { seedDemo } from '../../demo.js';
import { recordHostAudit, verifyAuditLog } from '../../modules/audit/index.js';
import { asServerAdmin, openServerDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { databaseUrl, ensureRole, LOGIN_ROLE, testEngine } from '../../../test/helpers/engine.js';

// Roles exist on a server only; the embedded engine connects as its superuser by design (STACK.md).
const OWNER = 'tandem_test_owner';
const OWNER_MEMBER = 'tandem_test_owner_member';
const BYPASS = 'tandem_test_bypassrls';
const SECRET = 'a-session-secret-of-at-least-32-characters';

describe.runIf(testEngine() === 'server')('the application as a login role on a server', () => {
  let db: TestDatabase & { name: string };
  let scope: Scope;

  beforeAll(async () => {
    await asServerAdmin(async (admin) => {
      // As README advises: it owns the database, so has the rights of pg_database_owner on schema
      // public (inherit); it bypasses row level security, as migrations that write data must.
      await ensureRole(admin, { name: OWNER, attributes: 'login inherit bypassrls' });
      await ensureRole(admin, { name: OWNER_MEMBER, attributes: 'login inherit', memberOf: OWNER });
      await ensureRole(admin, {
        name: BYPASS,
        attributes: 'login noinherit bypassrls',
        memberOf: 'tandem_app',
      });
    });
    db = await openServerDatabase(`template ${inject('template')}`, { asLoginRole: true });
    const ids = await inScope(db, { orgIds: [], platformAdmin: true }, async (tx) =>
      tx.selectFrom('organisations').select(['id', 'code']).execute(),
    );
    scope = { orgIds: [ids.find((org) => org.code === 'WDC')!.id] };
  });
  afterAll(() => db?.destroy());

  const whoAmI = sql<{ session_user: string; current_user: string }>`select session_user, current_user`;

  it('logs in as the login role, and every unit of work runs as tandem_app', async () => {
    expect((await inScope(db, scope, (tx) => whoAmI.execute(tx))).rows[0]).toEqual({
      session_user: LOGIN_ROLE,
      current_user: 'tandem_app',
    });
    expect((await readInScope(db, scope, (tx) => whoAmI.execute(tx))).rows[0]).toEqual({
      session_user: LOGIN_ROLE,
      current_user: 'tandem_app',
    });
  });

  it('after RESET ROLE is only the login role, which may read nothing at all', async () => {
    const attempt = inScope(db, scope, async (tx) => {
      await sql`reset role`.execute(tx);
      expect((await whoAmI.execute(tx)).rows[0]!.current_user).toBe(LOGIN_ROLE);
      return tx.selectFrom('organisations').select('code').execute();
    });
    await expect(attempt).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied/),
    });
    // Nor outside a unit of work.
    await expect(sql`select count(*) from audit_events`.execute(db.kysely)).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('cannot become the owner of the tables or a superuser', async () => {
    for (const statement of [sql`set role postgres`, sql`set session authorization postgres`]) {
      await expect(
        inScope(db, scope, async (tx) => {
          await sql`reset role`.execute(tx);
          await statement.execute(tx);
        }),
      ).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('back as tandem_app after RESET ROLE, still sees only its own scope', async () => {
    const codes = await inScope(db, scope, async (tx) => {
      await sql`reset role`.execute(tx);
      await sql`set local role tandem_app`.execute(tx);
      return (await tx.selectFrom('organisations').select('code').execute()).map((org) => org.code);
    });
    expect(codes).toEqual(['WDC']);
  });

  it('is a role that production accepts', async () => {
    expect(await applicationRoleProblems(db)).toEqual({ role: LOGIN_ROLE, reasons: [] });
    await expect(refuseUnsafeApplicationRole(db)).resolves.toBeUndefined();
  });

  describe('refused in production', () => {
    const refusalFor = async (connectAs: string | undefined) => {
      const other = await openAs(db.name, connectAs);
      try {
        return await refuseUnsafeApplicationRole(other).then(
          () => undefined,
          (error: unknown) => error,
        );
      } finally {
        await other.close();
      }
    };

    it('a superuser', async () => {
      const error = await refusalFor(undefined);
      expect(error).toBeInstanceOf(UnsafeDatabaseRoleError);
      expect((error as Error).message).toMatch(
        /^Tandem will not serve in production connected to the database as "postgres": it is a superuser\. .*DATABASE_URL .*DATABASE_MIGRATION_URL/,
      );
    });

    it('a role that bypasses row level security', async () => {
      expect(((await refusalFor(BYPASS)) as Error).message).toMatch(
        /as "tandem_test_bypassrls": it has BYPASSRLS/,
      );
    });
  });

  describe('with an owner that is not a superuser, as in production', () => {
    let owned: TestDatabase & { name: string };

    beforeAll(async () => {
      owned = await openServerDatabase('', { owner: OWNER, asLoginRole: true });
      await migrate(owned);
      await seedDemo(owned);
    });
    afterAll(() => owned?.destroy());

    it('migrates as the owner and seeds as the login role; the audit chain holds', async () => {
      const tables = await sql<{ owner: string }>`
        select distinct tableowner as owner from pg_tables where schemaname = 'public'`.execute(owned.kysely);
      expect(tables.rows).toEqual([{ owner: OWNER }]);
      // An event of no partner, from a unit of work with no scope: the host is found under forced
      // row level security, and the chain's head is kept by its trigger, as the owner.
      await inScope(owned, NO_SCOPE, (tx) =>
        recordHostAudit(tx, { actorUserId: null, action: 'sign-in.failed', entityType: 'user' }),
      );
      const check = await verifyAuditLog(owned, { orgIds: [], platformAdmin: true });
      expect(check.breaks).toEqual([]);
      expect(check.entries).toBeGreaterThan(0);
      expect(check.chains.map((chain) => chain.organisation)).toContain('MCC');
    });

    it('refuses the owner, and a member of the owner, as the application', async () => {
      for (const [role, reasons] of [
        [OWNER, ['it has BYPASSRLS', 'it owns tables']],
        [
          OWNER_MEMBER,
          [
            `it is a member of ${OWNER}, which can bypass row level security`,
            `it is a member of ${OWNER}, owner of tables`,
          ],
        ],
      ] as const) {
        const other = await openAs(owned.name, role);
        try {
          expect(await applicationRoleProblems(other)).toEqual({ role, reasons });
        } finally {
          await other.close();
        }
      }
    });

    it('tandem serve in production: refuses a superuser, serves as the login role', async () => {
      const common = { NODE_ENV: 'production', TANDEM_SESSION_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'warn' };
      await expect(
        startTandem(loadConfig({ ...common, DATABASE_URL: databaseUrl(owned.name) }), { log: () => {} }),
      ).rejects.toThrow(
        /will not serve in production connected to the database as "postgres": it is a superuser/,
      );
      const running = await startTandem(
        loadConfig({
          ...common,
          DATABASE_URL: databaseUrl(owned.name, LOGIN_ROLE),
          DATABASE_MIGRATION_URL: databaseUrl(owned.name, OWNER),
        }),
        { log: () => {} },
      );
      try {
        const ready = await fetch(`${running.address}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await running.close();
      }
    });
  });
});

/** The database `name`, opened as `role` (the server's superuser if none). */
function openAs(name: string, role: string | undefined) {
  return openDatabase({ databaseUrl: databaseUrl(name, role), poolSize: 1, pipelines: 0 });
}
