import { sql } from 'kysely';
import { isRole, type Principal } from '../../platform/auth/index.js';
import type { Database } from '../../platform/db/index.js';
import type { Caller } from '../../platform/auth/index.js';
import { actingAs, meteringService } from '../metering/index.js';
import { billingServices } from './billing.services.js';

/** What billing's tests share: callers for the demo's people, and quick ways to put inputs in place. */

export async function financeCaller(db: Database): Promise<Caller> {
  return { principal: await actingAs(db, 'finance@mercia.example', ['finance_officer']) };
}

/** A caller acting in an organisation as the demo person with that email (read as the owner). */
export async function callerIn(db: Database, email: string, code: string): Promise<Caller> {
  const result = await sql<{
    user_id: string;
    name: string;
    org_id: string;
    org_name: string;
    role: 'host' | 'partner';
    roles: string[];
  }>`
    select u.id as user_id, u.name, o.id as org_id, o.name as org_name, o.role, m.roles
      from memberships m join users u on u.id = m.user_id join organisations o on o.id = m.org_id
     where u.email = ${email} and o.code = ${code}`.execute(db.kysely);
  const row = result.rows[0];
  if (!row) throw new Error(`${email} has no role in ${code}`);
  const org = {
    orgId: row.org_id,
    code,
    name: row.org_name,
    role: row.role,
    roles: row.roles.filter(isRole),
  };
  const principal: Principal = {
    userId: row.user_id,
    email,
    name: row.name,
    org,
    memberships: [org],
    via: 'token',
  };
  return { principal };
}

/** Ids by code, read as the owner. */
export async function idsByCode(
  db: Database,
  table: 'organisations' | 'offerings' | 'service_lines',
): Promise<Record<string, string>> {
  const result = await sql<{ id: string; code: string }>`select id, code from ${sql.table(table)}`.execute(
    db.kysely,
  );
  return Object.fromEntries(result.rows.map((row) => [row.code, row.id]));
}

export interface TestEvent {
  key: string;
  organisation: string;
  offering: string;
  quantity: string;
  occurredAt: string;
  note?: string;
  requestReference?: string;
}

/** Records usage through the API's use case, as the host's finance officer. */
export async function recordEvents(db: Database, events: TestEvent[]): Promise<void> {
  const ctx = await financeCaller(db);
  for (let at = 0; at < events.length; at += 5000)
    await meteringService(db).record(ctx, events.slice(at, at + 5000));
}

/** Adds a price straight into the catalogue's table (as the owner): the catalogue's own rules are not under test here. */
export async function addTariff(
  db: Database,
  price: { offering: string; organisation?: string; pence: number; from: string; to?: string | null },
): Promise<string> {
  const result = await sql<{ id: string }>`
    insert into tariffs (org_id, host_org_id, service_line_id, offering_id, unit_price_pence, valid_from, valid_to)
    select coalesce(p.id, f.host_org_id), f.host_org_id, f.service_line_id, f.id, ${price.pence}, ${price.from}::date,
           ${price.to ?? null}::date
      from offerings f left join organisations p on p.code = ${price.organisation ?? null}
     where f.code = ${price.offering}
    returning id`.execute(db.kysely);
  return result.rows[0]!.id;
}

/** Ends the prices of an offering (for everyone) the day before a date, as the owner. */
export async function endTariffs(db: Database, offering: string, lastDay: string): Promise<void> {
  await sql`
    update tariffs set valid_to = ${lastDay}::date
     where offering_id = (select id from offerings where code = ${offering})
       and (valid_to is null or valid_to > ${lastDay}::date) and valid_from <= ${lastDay}::date`.execute(
    db.kysely,
  );
}

export function services(db: Database) {
  return billingServices(db);
}
