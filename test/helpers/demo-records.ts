import { sql } from 'kysely';
import type { Database } from '../../src/platform/db/index.js';

/** Rows of the demo partnership by what they are and whose they are, read as the owner. */
export interface DemoRecords {
  orgs: Record<string, { id: string; name: string; role: string }>;
  users: Array<{ id: string; email: string; name: string; orgs: string[] }>;
  lines: Array<{ code: string; name: string; teams: string[] }>;
  offerings: Array<{ code: string; line: string }>;
  variants: Array<{ id: string; org: string; offering: string; name: string | null }>;
  tariffs: Array<{ id: string; org: string; offering: string; pence: number }>;
  agreements: Array<{ id: string; org: string; line: string }>;
  calendars: Array<{ code: string; org: string; name: string }>;
  slaPolicies: Array<{ code: string; org: string; line: string; name: string }>;
  tokens: Array<{ id: string; org: string; email: string; name: string }>;
}

const rows = async <T>(db: Database, query: string): Promise<T[]> =>
  (await sql.raw<T>(query).execute(db.kysely)).rows;

/** Everything the demo (and whatever a test added since) holds, for tests to name rows by owner. */
export async function demoRecords(db: Database): Promise<DemoRecords> {
  const orgs = await rows<{ id: string; code: string; name: string; role: string }>(
    db,
    'select id, code, name, role from organisations order by code',
  );
  return {
    orgs: Object.fromEntries(orgs.map((o) => [o.code, { id: o.id, name: o.name, role: o.role }])),
    users: await rows(
      db,
      `select u.id, u.email, u.name,
        coalesce(array(select o.code from memberships m join organisations o on o.id = m.org_id
          where m.user_id = u.id order by o.code), '{}') as orgs
       from users u order by u.email`,
    ),
    lines: await rows(
      db,
      `select l.code, l.name, coalesce(array(select t.name from service_line_teams t
        where t.service_line_id = l.id order by t.name), '{}') as teams
       from service_lines l order by l.code`,
    ),
    offerings: await rows(
      db,
      `select f.code, l.code as line from offerings f join service_lines l on l.id = f.service_line_id
       order by f.code`,
    ),
    variants: await rows(
      db,
      `select v.id, o.code as org, f.code as offering, v.name from offering_variants v
       join organisations o on o.id = v.org_id join offerings f on f.id = v.offering_id
       order by o.code, f.code`,
    ),
    tariffs: (
      await rows<{ id: string; org: string; offering: string; pence: string }>(
        db,
        `select t.id, o.code as org, f.code as offering, t.unit_price_pence::text as pence from tariffs t
         join organisations o on o.id = t.org_id join offerings f on f.id = t.offering_id
         order by o.code, f.code, t.valid_from`,
      )
    ).map((t) => ({ ...t, pence: Number(t.pence) })),
    agreements: await rows(
      db,
      `select a.id, o.code as org, l.code as line from service_agreements a
       join organisations o on o.id = a.org_id join service_lines l on l.id = a.service_line_id
       order by o.code, l.code`,
    ),
    calendars: await rows(
      db,
      `select c.code, o.code as org, c.name from calendars c join organisations o on o.id = c.org_id
       order by c.code`,
    ),
    slaPolicies: await rows(
      db,
      `select p.code, o.code as org, l.code as line, p.name from sla_policies p
       join organisations o on o.id = p.org_id join service_lines l on l.id = p.service_line_id
       order by p.code`,
    ),
    tokens: await rows(
      db,
      `select t.id, o.code as org, u.email, t.name from api_tokens t
       join organisations o on o.id = t.org_id join users u on u.id = t.user_id
       order by t.created_at`,
    ),
  };
}
