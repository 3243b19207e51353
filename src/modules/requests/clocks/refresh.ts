import { sql } from 'kysely';
import { inScope, type Database } from '../../../platform/db/index.js';
import type { ClockState } from '../../../kernel/sla-clock.js';
import { eventOf, type EventJson, eventsJson, BANK_HOLIDAYS } from '../requests.repository.js';
import { hostsScope } from '../requests.system.js';
import type { Priority, RequestStatus, SlaSnapshot } from '../request.js';
import { replayClocks } from './replay.js';
import { notifyClockChanges } from '../notifications/notify.js';

/** A clock that changed state as time passed: what a job notifies (warning, breach). */
export interface ClockChange {
  requestId: string;
  reference: string;
  orgId: string;
  hostOrgId: string;
  clock: 'response' | 'resolution';
  from: ClockState;
  to: ClockState;
}

interface DueRow {
  id: string;
  reference: string;
  org_id: string;
  host_org_id: string;
  priority: Priority;
  status: RequestStatus;
  sla: SlaSnapshot;
  submitted_at: Date;
  response_state: ClockState;
  resolution_state: ClockState;
  events: EventJson[];
  bank_holidays: string[];
}

/** Requests read and rewritten per unit of work: short units, so that no lock is held long. */
const BATCH = 200;

/**
 * Recomputes the stored clocks of every request whose `sla_next_check_at` has passed (on track →
 * warning → breached as time passes), on the request and its queue row, and returns the clocks that
 * changed state, for a job to notify. Requests locked by a change under way are left for the next
 * run, which that change will have made unnecessary. A job calls it every minute or so.
 */
export async function refreshDueClocks(db: Database, now: Date): Promise<ClockChange[]> {
  const scope = await hostsScope(db);
  const changes: ClockChange[] = [];
  for (;;) {
    const done = await inScope(db, scope, async (tx) => {
      const { rows } = await sql<DueRow>`
        select r.id, r.reference, r.org_id, r.host_org_id, r.priority, r.status, r.sla, r.submitted_at,
               r.response_state, r.resolution_state, ${eventsJson(false)} as events, ${BANK_HOLIDAYS} as bank_holidays
          from requests r
         where r.sla_next_check_at <= ${now}::timestamptz
         order by r.sla_next_check_at
         limit ${BATCH}
           for update of r skip locked`.execute(tx);
      const updates = rows.map((row) => {
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
        for (const [clock, from, to] of [
          ['response', row.response_state, stored.responseState],
          ['resolution', row.resolution_state, stored.resolutionState],
        ] as const) {
          if (from !== to)
            changes.push({
              requestId: row.id,
              reference: row.reference,
              orgId: row.org_id,
              hostOrgId: row.host_org_id,
              clock,
              from,
              to,
            });
        }
        return {
          id: row.id,
          response_state: stored.responseState,
          response_due_at: stored.responseDueAt?.toISOString() ?? null,
          resolution_state: stored.resolutionState,
          resolution_due_at: stored.resolutionDueAt?.toISOString() ?? null,
          // A clock a hair from its threshold (milliseconds of rounding) is looked at again in a minute,
          // rather than at once and for ever.
          next: stored.nextCheckAt
            ? new Date(Math.max(stored.nextCheckAt.getTime(), now.getTime() + 60_000)).toISOString()
            : null,
          queue_due_at: stored.queueDueAt?.toISOString() ?? 'infinity',
          queue_state: stored.queueState,
        };
      });
      if (updates.length > 0) {
        await sql`
          with given as (
            select * from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
              as u(id uuid, response_state text, response_due_at timestamptz, resolution_state text,
                   resolution_due_at timestamptz, next timestamptz, queue_due_at timestamptz, queue_state text)
          ), kept as (
            update requests r
               set response_state = g.response_state, response_due_at = g.response_due_at,
                   resolution_state = g.resolution_state, resolution_due_at = g.resolution_due_at,
                   sla_next_check_at = g.next
              from given g where r.id = g.id
          )
          update request_work w set due_at = g.queue_due_at, sla_state = g.queue_state, updated_at = now()
            from given g where w.request_id = g.id`.execute(tx);
      }
      await notifyClockChanges(
        tx,
        changes.filter((change) => rows.some((row) => row.id === change.requestId)),
      );
      return rows.length < BATCH;
    });
    if (done) return changes;
  }
}
