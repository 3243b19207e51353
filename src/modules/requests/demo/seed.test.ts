import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../../../../test/helpers/database.js';
import { replayClocks } from '../clocks/replay.js';
import { eventOf, type EventJson, type RecordRow } from '../requests.repository.js';
import { seedDemoRequests, seedRequests } from './seed.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.destroy());

const statuses = async (where = sql`true`) =>
  (
    await sql<{
      status: string;
      n: string;
    }>`select status, count(*) as n from requests where ${where} group by status`.execute(db.kysely)
  ).rows;

describe('seeded requests', () => {
  it('gives the demo a few hundred requests in every state, some breached, once', async () => {
    const seen = new Set((await statuses()).map((row) => row.status));
    for (const status of [
      'awaiting_approval',
      'open',
      'in_progress',
      'resolved',
      'closed',
      'rejected',
      'withdrawn',
    ])
      expect(seen, status).toContain(status);
    const breached = await sql<{ n: string }>`
      select count(*) as n from requests where 'breached' in (response_state, resolution_state)`.execute(
      db.kysely,
    );
    expect(Number(breached.rows[0]!.n)).toBeGreaterThan(0);
    const before = (await statuses()).reduce((sum, row) => sum + Number(row.n), 0);
    expect(before).toBeGreaterThanOrEqual(300);
    expect(await seedDemoRequests(db)).toBe(0);
  });

  it('adds N more after each organisation’s last number, with clocks as their histories replay', async () => {
    const now = new Date('2026-09-30T15:00:00Z');
    const counters = async () =>
      new Map(
        (
          await sql<{
            org_id: string;
            last_number: number;
          }>`select org_id, last_number from request_counters`.execute(db.kysely)
        ).rows.map((row) => [row.org_id, row.last_number]),
      );
    const before = await counters();
    const progress: string[] = [];
    expect(
      await seedRequests(db, {
        count: 250,
        now,
        seed: 11,
        batchSize: 100,
        onProgress: (m) => progress.push(m),
      }),
    ).toBe(250);
    expect(progress).toEqual(['requests: 100/250', 'requests: 200/250', 'requests: 250/250']);
    const after = await counters();
    const added = await sql<
      RecordRow & {
        org_id: string;
        number: number;
        events: EventJson[];
        bank_holidays: string[];
        response_state: string;
        resolution_state: string;
        response_due_at: Date | null;
        resolution_due_at: Date | null;
      }
    >`
      select r.*, substring(r.reference from '[0-9]+$')::int as number,
             (select json_agg(json_build_object('id', e.id::text, 'at', e.at, 'kind', e.kind, 'actorKind', e.actor_kind,
                 'actorUserId', e.actor_user_id, 'actorName', e.actor_name, 'staffUserId', null, 'from', e.from_value,
                 'to', e.to_value, 'reason', e.reason, 'byHost', e.by_host) order by e.at, e.id)
                from request_events e where e.request_id = r.id) as events,
             array(select b.date::text from bank_holidays b where b.division = r.sla->'calendar'->>'holidays') as bank_holidays
        from requests r where r.submitted_at <= ${now} and r.submitted_at > ${new Date(now.getTime() - 183 * 86_400_000)}
         and r.reference ~ '-[0-9]{6}$' and r.created_at >= now() - interval '10 minutes'`.execute(db.kysely);
    const mine = added.rows.filter((row) => row.number > (before.get(row.org_id) ?? 0));
    expect(mine).toHaveLength(250);
    expect(new Set(mine.map((row) => row.status))).toEqual(
      new Set([
        'awaiting_approval',
        'open',
        'in_progress',
        'awaiting_requester',
        'awaiting_third_party',
        'on_hold',
        'resolved',
        'closed',
        'rejected',
        'withdrawn',
      ]),
    );
    // Numbers carry on from each organisation's counter, without gaps.
    for (const [orgId, last] of after) {
      const numbers = mine
        .filter((row) => row.org_id === orgId)
        .map((row) => row.number)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(
        Array.from({ length: last - (before.get(orgId) ?? 0) }, (_, i) => (before.get(orgId) ?? 0) + i + 1),
      );
    }
    for (const row of mine) {
      const { stored } = replayClocks(
        {
          sla: row.sla,
          bankHolidays: row.bank_holidays,
          submittedAt: row.submitted_at,
          priority: row.priority,
          events: row.events.map(eventOf),
        },
        now,
      );
      expect([row.response_state, row.response_due_at?.toISOString() ?? null], row.reference).toEqual([
        stored.responseState,
        stored.responseDueAt?.toISOString() ?? null,
      ]);
      expect([row.resolution_state, row.resolution_due_at?.toISOString() ?? null], row.reference).toEqual([
        stored.resolutionState,
        stored.resolutionDueAt?.toISOString() ?? null,
      ]);
    }
    const work = await sql<{ n: string }>`
      select count(*) as n from request_work w join requests r on r.id = w.request_id
       where w.status <> r.status or w.priority <> r.priority or w.active <> (r.status not in ('resolved', 'closed', 'rejected', 'withdrawn'))`.execute(
      db.kysely,
    );
    expect(work.rows[0]!.n).toBe('0');
  });
});
