import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, NO_SCOPE, type Scope } from './index.js';
import { demoIds, openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';

let db: TestDatabase;
const ids: Record<string, string> = {};
let wyvernRequester: string;
let fireRequester: string;

beforeAll(async () => {
  db = await openTestDatabase();
  Object.assign(ids, (await demoIds(db)).orgs);
  wyvernRequester = (
    await db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'requester@wyvern.example')
      .executeTakeFirstOrThrow()
  ).id;
  fireRequester = (
    await db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'requester@merciafire.example')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => db.destroy());

const wyvern = (): Scope => ({ userId: wyvernRequester, orgIds: [ids.WDC!] });

describe('row level security under the application role', () => {
  it('runs every unit of work as a role that is not a superuser and cannot bypass RLS', async () => {
    const role = await inScope(
      db,
      NO_SCOPE,
      async (tx) =>
        (
          await sql<{ who: string; superuser: boolean; bypass: boolean }>`
          select current_user as who, r.rolsuper as superuser, r.rolbypassrls as bypass
            from pg_roles r where r.rolname = current_user`.execute(tx)
        ).rows[0],
    );
    expect(role).toEqual({ who: 'tandem_app', superuser: false, bypass: false });
  });

  it('sees nothing and writes nothing with no context set', async () => {
    const counts = await inScope(db, NO_SCOPE, async (tx) => {
      const result = await sql<Record<string, string>>`
        select (select count(*) from organisations) as organisations, (select count(*) from users) as users,
               (select count(*) from memberships) as memberships, (select count(*) from sessions) as sessions,
               (select count(*) from api_tokens) as api_tokens, (select count(*) from audit_events) as audit_events`.execute(
        tx,
      );
      return result.rows[0];
    });
    expect(counts).toEqual({
      organisations: '0',
      users: '0',
      memberships: '0',
      sessions: '0',
      api_tokens: '0',
      audit_events: '0',
    });
    await expect(
      inScope(db, NO_SCOPE, (tx) =>
        tx
          .insertInto('organisations')
          .values({
            code: 'EVIL',
            name: 'Evil',
            role: 'partner',
            kind: 'private',
            bank_holiday_division: 'scotland',
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await inScope(db, NO_SCOPE, (tx) =>
      tx.updateTable('organisations').set({ name: 'Renamed' }).executeTakeFirst(),
    );
    expect(Number(changed.numUpdatedRows)).toBe(0);
  });

  it("shows a partner its own organisation and people, never another partner's", async () => {
    const seen = await inScope(db, wyvern(), async (tx) => ({
      orgs: (await tx.selectFrom('organisations').select('code').orderBy('code').execute()).map(
        (row) => row.code,
      ),
      emails: (await tx.selectFrom('users').select('email').orderBy('email').execute()).map(
        (row) => row.email,
      ),
      membershipOrgs: [
        ...new Set((await tx.selectFrom('memberships').select('org_id').execute()).map((row) => row.org_id)),
      ],
    }));
    expect(seen.orgs).toEqual(['WDC']);
    expect(seen.emails).toEqual(['manager@wyvern.example', 'requester@wyvern.example']);
    expect(seen.membershipOrgs).toEqual([ids.WDC]);
  });

  it("cannot read another partner's rows even when asking for them by id", async () => {
    const found = await inScope(db, wyvern(), async (tx) => ({
      org: await tx.selectFrom('organisations').selectAll().where('id', '=', ids.MFRS!).executeTakeFirst(),
      user: await tx.selectFrom('users').selectAll().where('id', '=', fireRequester).executeTakeFirst(),
    }));
    expect(found).toEqual({ org: undefined, user: undefined });
  });

  it("cannot change another partner's organisation, people or roles", async () => {
    const result = await inScope(db, wyvern(), async (tx) => ({
      org: Number(
        (
          await tx
            .updateTable('organisations')
            .set({ name: 'Hacked' })
            .where('id', '=', ids.MFRS!)
            .executeTakeFirst()
        ).numUpdatedRows,
      ),
      user: Number(
        (
          await tx
            .updateTable('users')
            .set({ name: 'Hacked' })
            .where('id', '=', fireRequester)
            .executeTakeFirst()
        ).numUpdatedRows,
      ),
      memberships: Number(
        (await tx.deleteFrom('memberships').where('org_id', '=', ids.MFRS!).executeTakeFirst())
          .numDeletedRows,
      ),
    }));
    expect(result).toEqual({ org: 0, user: 0, memberships: 0 });
    await expect(
      inScope(db, wyvern(), (tx) =>
        tx
          .insertInto('memberships')
          .values({ org_id: ids.MFRS!, user_id: wyvernRequester, roles: ['requester'] })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const fire = await db.kysely
      .selectFrom('organisations')
      .select('name')
      .where('id', '=', ids.MFRS!)
      .executeTakeFirstOrThrow();
    expect(fire.name).toBe('Mercia Fire and Rescue Service');
  });

  it('cannot switch row level security off or change the policies', async () => {
    await expect(
      inScope(db, wyvern(), (tx) => sql`alter table organisations disable row level security`.execute(tx)),
    ).rejects.toThrow(/must be owner/);
    await expect(
      inScope(db, wyvern(), (tx) => sql`drop policy organisations_read on organisations`.execute(tx)),
    ).rejects.toThrow(/must be owner/);
    await expect(
      inScope(db, wyvern(), async (tx) => {
        await sql`set local row_security = off`.execute(tx);
        return tx.selectFrom('organisations').selectAll().execute();
      }),
    ).rejects.toThrow(/row-level security/);
  });

  it('lets the application add and read audit events but never change or remove them', async () => {
    const scope: Scope = { userId: wyvernRequester, orgIds: [ids.WDC!] };
    await inScope(db, scope, (tx) =>
      tx
        .insertInto('audit_events')
        .values({ actor_user_id: wyvernRequester, org_id: ids.WDC!, action: 'test', entity_type: 'test' })
        .execute(),
    );
    await expect(
      inScope(db, scope, (tx) => sql`update audit_events set action = 'changed'`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    await expect(inScope(db, scope, (tx) => sql`delete from audit_events`.execute(tx))).rejects.toThrow(
      /permission denied/,
    );
    // Not even the owner may rewrite history.
    await expect(sql`update audit_events set action = 'changed'`.execute(db.kysely)).rejects.toThrow(
      /append-only/,
    );
    await expect(
      inScope(db, scope, (tx) =>
        tx
          .insertInto('audit_events')
          .values({
            actor_user_id: wyvernRequester,
            org_id: ids.MFRS!,
            action: 'forged',
            entity_type: 'test',
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('rolls the whole unit of work back when it fails', async () => {
    const admin: Scope = { orgIds: [], platformAdmin: true };
    await expect(
      inScope(db, admin, async (tx) => {
        await tx.updateTable('organisations').set({ name: 'Half done' }).where('code', '=', 'BWF').execute();
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    const org = await db.kysely
      .selectFrom('organisations')
      .select('name')
      .where('code', '=', 'BWF')
      .executeTakeFirstOrThrow();
    expect(org.name).toBe('Brightwater Facilities Ltd');
  });

  it('refuses a scope that is not made of ids', async () => {
    await expect(inScope(db, { orgIds: ["x', true); drop table users; --"] }, async () => 1)).rejects.toThrow(
      /not a uuid/,
    );
  });
});
