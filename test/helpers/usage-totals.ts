import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestDatabase } from './database.js';

/**
 * The day totals a recharge run reads (migration 0028) hold exactly the sums of the events, by host,
 * organisation, offering, day, day priced and recording statement: read both as the owner, compare.
 */
export async function expectDayTotalsToMatchEvents(db: TestDatabase): Promise<void> {
  const key = sql`host_org_id, org_id, offering_id, occurred_on::text as occurred_on, priced_on::text as priced_on,
                  recorded_at`;
  const fromEvents = await sql<Record<string, unknown>>`
    select ${key}, sum(quantity)::text as quantity, count(*)::text as events from usage_events
     group by host_org_id, org_id, offering_id, occurred_on, priced_on, recorded_at
     order by 1, 2, 3, 4, 5, 6`.execute(db.kysely);
  const totals = await sql<Record<string, unknown>>`
    select ${key}, quantity::text as quantity, events::text as events from usage_day_totals
     order by 1, 2, 3, 4, 5, 6`.execute(db.kysely);
  expect(fromEvents.rows.length).toBeGreaterThan(0);
  expect(totals.rows).toEqual(fromEvents.rows);
}
