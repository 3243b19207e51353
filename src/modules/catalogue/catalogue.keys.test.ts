import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase, demoIds } from '../../../test/helpers/database.js';

// The catalogue's keys as the database holds them (migration 0009): codes unique per host, every
// reference carrying its host, and the lists the application keeps to enforced by the database too.
// Run as the tables' owner, so that only the constraints, not row level security, decide.

let db: TestDatabase;
const orgs: Record<string, string> = {};
let other: string;

const refusal = (statement: ReturnType<typeof sql>) =>
  statement.execute(db.kysely).then(
    () => undefined,
    (error: { code?: string; constraint?: string }) => ({ code: error.code, constraint: error.constraint }),
  );
const one = async <T>(statement: ReturnType<typeof sql<T>>) => (await statement.execute(db.kysely)).rows[0]!;

beforeAll(async () => {
  db = await openTestDatabase();
  Object.assign(orgs, (await demoIds(db)).orgs);
  ({ id: other } = await one(
    sql<{ id: string }>`insert into organisations (code, name, role, kind, bank_holiday_division)
                        values ('NCC', 'Northshire County Council', 'host', 'local_authority', 'england-and-wales')
                        returning id`,
  ));
});
afterAll(() => db.destroy());

describe('codes', () => {
  it('may be used again by another host, for a line, a calendar, an SLA policy and an offering', async () => {
    const line = await one(
      sql<{
        id: string;
      }>`insert into service_lines (org_id, code, name) values (${other}, 'IT', 'IT') returning id`,
    );
    const calendar = await one(
      sql<{ id: string }>`insert into calendars (org_id, host_org_id, code, name, time_zone, hours)
                          values (${other}, ${other}, 'MCC-OFFICE', 'Offices', 'Europe/London', '{}') returning id`,
    );
    const policy = await one(
      sql<{
        id: string;
      }>`insert into sla_policies (org_id, host_org_id, service_line_id, code, name, calendar_id, warning_percent, targets)
                          values (${other}, ${other}, ${line.id}, 'IT-STANDARD', 'Standard', ${calendar.id}, 75, '{}') returning id`,
    );
    await sql`insert into offerings (org_id, host_org_id, service_line_id, code, name, unit, sla_policy_id)
              values (${other}, ${other}, ${line.id}, 'IT-FAULT', 'Fault', 'request', ${policy.id})`.execute(
      db.kysely,
    );
    const codes = await sql<{
      n: string;
    }>`select count(*) as n from offerings where code = 'IT-FAULT'`.execute(db.kysely);
    expect(codes.rows[0]!.n).toBe('2');
  });

  it('are refused twice within one host, by constraints the application names', async () => {
    expect(
      await refusal(sql`insert into service_lines (org_id, code, name) values (${orgs.MCC}, 'IT', 'Again')`),
    ).toEqual({
      code: '23505',
      constraint: 'service_lines_host_code',
    });
    expect(
      await refusal(
        sql`insert into calendars (org_id, host_org_id, code, name, time_zone, hours)
            values (${orgs.WDC}, ${orgs.MCC}, 'MCC-OFFICE', 'Again', 'Europe/London', '{}')`,
      ),
    ).toEqual({ code: '23505', constraint: 'calendars_host_code' });
    expect(
      await refusal(
        sql`insert into offerings (org_id, host_org_id, service_line_id, code, name, unit, sla_policy_id)
            select org_id, host_org_id, service_line_id, code, 'Again', unit, sla_policy_id from offerings
             where code = 'IT-LAPTOP' and host_org_id = ${orgs.MCC}`,
      ),
    ).toEqual({ code: '23505', constraint: 'offerings_host_code' });
    expect(
      await refusal(
        sql`insert into sla_policies (org_id, host_org_id, service_line_id, code, name, calendar_id, warning_percent, targets)
            select org_id, host_org_id, service_line_id, code, 'Again', calendar_id, 75, targets from sla_policies
             where code = 'IT-WDC' and host_org_id = ${orgs.MCC}`,
      ),
    ).toEqual({ code: '23505', constraint: 'sla_policies_host_code' });
  });
});

describe('references', () => {
  it("refuse a row that points at another host's line, offering, policy or calendar", async () => {
    const laptop = await one(
      sql<{ id: string; service_line_id: string }>`select id, service_line_id from offerings
                                                   where code = 'IT-LAPTOP' and host_org_id = ${orgs.MCC}`,
    );
    const cases = [
      sql`insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from)
          values (${other}, ${other}, ${laptop.service_line_id}, ${laptop.id}, 1, '2040-01-01')`,
      sql`insert into service_line_teams (org_id, service_line_id, name) values (${other}, ${laptop.service_line_id}, 'Team')`,
      sql`insert into service_agreements (org_id, host_org_id, service_line_id, valid_from)
          values (${orgs.BWF}, ${other}, ${laptop.service_line_id}, '2040-01-01')`,
      sql`update offerings set sla_policy_id = (select id from sla_policies where host_org_id = ${other} limit 1)
           where id = ${laptop.id}`,
      sql`update sla_policies set calendar_id = (select id from calendars where host_org_id = ${other} limit 1)
           where code = 'IT-STANDARD' and host_org_id = ${orgs.MCC}`,
    ];
    for (const statement of cases) expect((await refusal(statement))?.code).toBe('23503');
  });
});

describe('lists', () => {
  it('refuse a unit of measure or a pause state the application does not know', async () => {
    expect(await refusal(sql`update offerings set unit = 'parsec' where code = 'IT-LAPTOP'`)).toEqual({
      code: '23514',
      constraint: 'offerings_unit',
    });
    expect(
      await refusal(sql`update sla_policies set pause_states = '{sleeping}' where code = 'IT-STANDARD'`),
    ).toEqual({
      code: '23514',
      constraint: 'sla_policies_pause_states',
    });
  });
});
