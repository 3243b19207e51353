import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope, type Scope, type Tx } from '../../platform/db/index.js';
import { openTestDatabase, type TestDatabase, demoIds } from '../../../test/helpers/database.js';
// The refusals the catalogue names, as the app has them once the module is loaded.
import './catalogue.errors.js';

let db: TestDatabase;
const orgs: Record<string, string> = {};
const users: Record<string, string> = {};

beforeAll(async () => {
  db = await openTestDatabase();
  const found = await demoIds(db);
  Object.assign(orgs, found.orgs);
  Object.assign(users, found.users);
});
afterAll(() => db.destroy());

const scope = (email: string, org: string): Scope => ({ userId: users[email], orgIds: [orgs[org]!] });
const wyvern = () => scope('requester@wyvern.example', 'WDC');
const fire = () => scope('requester@merciafire.example', 'MFRS');
const manager = () => scope('service.manager@mercia.example', 'MCC');
const agent = () => scope('agent@mercia.example', 'MCC');

const rows = async <T>(s: Scope, query: (tx: Tx) => Promise<T[]>) => inScope(db, s, query);
const codes = (s: Scope, table: string, column = 'code') =>
  rows(s, async (tx) =>
    (
      await sql<{
        v: string;
      }>`select ${sql.ref(column)}::text as v from ${sql.table(table)} order by 1`.execute(tx)
    ).rows.map((r) => r.v),
  );
const owners = async (s: Scope, table: string) => [...new Set(await codes(s, table, 'org_id'))].sort();

describe('catalogue rows under the application role', () => {
  it("shows a partner the standard catalogue of its lines and its own rows, never another partner's", async () => {
    expect(await owners(wyvern(), 'offering_variants')).toEqual([orgs.WDC]);
    expect(await owners(fire(), 'offering_variants')).toEqual([orgs.MFRS]);
    expect(await owners(fire(), 'tariffs')).toEqual([orgs.MCC, orgs.MFRS].sort());
    expect(await owners(fire(), 'catalogue_history')).toEqual([orgs.MFRS]);
    expect(await codes(fire(), 'calendars')).toEqual(['MCC-24X7', 'MCC-OFFICE']);
    expect(await codes(wyvern(), 'calendars')).toEqual(['MCC-24X7', 'MCC-OFFICE', 'WDC-OFFICE']);
    expect(await codes(fire(), 'sla_policies')).not.toContain('IT-WDC');
    expect(await codes(wyvern(), 'sla_policies')).toContain('IT-WDC');
    expect(await codes(fire(), 'service_lines')).toEqual(['FIN', 'HR', 'IT', 'PRINT']);
    const fireOfferings = await codes(fire(), 'offerings');
    expect(fireOfferings.some((code) => code.startsWith('LEG-') || code.startsWith('PRP-'))).toBe(false);
    expect(fireOfferings).toContain('IT-FAULT');
    // Partners see no other organisation's name through the catalogue's policies.
    expect(await codes(fire(), 'organisations')).toEqual(['MFRS']);
  });

  it('shows host staff the standard catalogue but no partner variants or prices unless they manage the line', async () => {
    expect(await owners(agent(), 'offering_variants')).toEqual([]);
    expect(await owners(agent(), 'tariffs')).toEqual([orgs.MCC]);
    expect(await codes(agent(), 'calendars')).toEqual(['MCC-24X7', 'MCC-OFFICE']);
    expect((await codes(agent(), 'offerings')).length).toBeGreaterThan(30);
    expect(await owners(manager(), 'offering_variants')).toEqual([orgs.WDC, orgs.MFRS].sort());
    expect(await codes(manager(), 'calendars')).toContain('WDC-OFFICE');
    expect(await codes(manager(), 'organisations')).toEqual(
      expect.arrayContaining(['MCC', 'WDC', 'MFRS', 'SVCT', 'BWF']),
    );
    // Only managing a line shows its partners: the host's other staff see the host alone.
    expect(await codes(agent(), 'organisations')).toEqual(['MCC']);
  });

  it('lets no partner write the catalogue', async () => {
    const offering = await db.kysely
      .withTables<{ offerings: { id: string; code: string; service_line_id: string } }>()
      .selectFrom('offerings')
      .select(['id', 'service_line_id'])
      .where('code', '=', 'IT-FAULT')
      .executeTakeFirstOrThrow();
    await expect(
      inScope(db, fire(), (tx) =>
        sql`insert into offering_variants (org_id, host_org_id, service_line_id, offering_id, name)
        values (${orgs.MFRS}, ${orgs.MCC}, ${offering.service_line_id}, ${offering.id}, 'Mine')`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      inScope(db, wyvern(), (tx) =>
        sql`insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from)
        values (${orgs.WDC}, ${orgs.MCC}, ${offering.service_line_id}, ${offering.id}, 1, '2040-01-01')`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const changed = await inScope(db, wyvern(), async (tx) => ({
      offerings: (await sql`update offerings set name = 'Hijacked'`.execute(tx)).numAffectedRows,
      tariffs: (await sql`update tariffs set unit_price_pence = 0`.execute(tx)).numAffectedRows,
      calendars: (await sql`update calendars set name = 'Hijacked'`.execute(tx)).numAffectedRows,
      holidays: (await sql`delete from bank_holidays`.execute(tx)).numAffectedRows,
    }));
    expect(changed).toEqual({ offerings: 0n, tariffs: 0n, calendars: 0n, holidays: 0n });
    expect(
      Number(
        (await sql<{ n: string }>`select count(*) as n from bank_holidays`.execute(db.kysely)).rows[0]!.n,
      ),
    ).toBe(306);
  });

  it('refuses overlapping prices in the database even when the application check is skipped', async () => {
    const offering = await db.kysely
      .withTables<{ offerings: { id: string; code: string; service_line_id: string } }>()
      .selectFrom('offerings')
      .select(['id', 'service_line_id'])
      .where('code', '=', 'IT-LAPTOP')
      .executeTakeFirstOrThrow();
    const insert = (from: string, to: string | null) =>
      inScope(db, manager(), (tx) =>
        sql`insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from, valid_to)
        values (${orgs.SVCT}, ${orgs.MCC}, ${offering.service_line_id}, ${offering.id}, 100, ${from}, ${to})`.execute(
          tx,
        ),
      );
    await insert('2030-01-01', '2030-12-31');
    await expect(insert('2030-12-31', null)).rejects.toThrow(/overlap/);
    await insert('2031-01-01', null);
    await expect(insert('2029-01-01', '2030-01-01')).rejects.toThrow(/overlap/);
  });

  it('stops a service manager who no longer manages the line, or no longer has the role', async () => {
    await sql`update service_lines set manager_user_ids = '{}' where code = 'LEGAL'`.execute(db.kysely);
    const legal = await db.kysely
      .withTables<{ offerings: { id: string; code: string; service_line_id: string } }>()
      .selectFrom('offerings')
      .select(['id', 'service_line_id'])
      .where('code', '=', 'LEG-ADVICE')
      .executeTakeFirstOrThrow();
    await expect(
      inScope(db, manager(), (tx) =>
        sql`insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from)
        values (${orgs.SVCT}, ${orgs.MCC}, ${legal.service_line_id}, ${legal.id}, 1, '2040-01-01')`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);

    await sql`update memberships set roles = '{agent}' where user_id = ${users['service.manager@mercia.example']}`.execute(
      db.kysely,
    );
    expect(await owners(manager(), 'offering_variants')).toEqual([]);
    expect(await codes(manager(), 'calendars')).not.toContain('WDC-OFFICE');
    await sql`update memberships set roles = '{service_manager}' where user_id = ${users['service.manager@mercia.example']}`.execute(
      db.kysely,
    );
  });
});
