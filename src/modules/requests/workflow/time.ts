import crypto from 'node:crypto';
import { sql } from 'kysely';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { londonDate } from '../../../kernel/dates.js';
import { auditBy } from '../../audit/index.js';
import { requestsPolicy, visibility } from '../requests.policy.js';
import { named, visibleTo } from '../requests.repository.js';
import { TimeEntryInput } from '../requests.schemas.js';
import type { RequestsDeps } from '../requests.deps.js';
import { usageOfTime, type TimedRequest } from '../usage/charged-work.js';

export interface TimeEntry {
  id: string;
  requestId: string;
  reference: string;
  userId: string;
  minutes: number;
  activity: string;
  workedOn: string;
  reversesId: string | null;
  recordedAt: Date;
}

interface EntryRow {
  id: string;
  request_id: string;
  reference: string;
  user_id: string;
  minutes: number;
  activity: string;
  worked_on: string;
  reverses_id: string | null;
  recorded_at: Date;
}

const entryOf = (row: EntryRow): TimeEntry => ({
  id: row.id,
  requestId: row.request_id,
  reference: row.reference,
  userId: row.user_id,
  minutes: row.minutes,
  activity: row.activity,
  workedOn: row.worked_on,
  reversesId: row.reverses_id,
  recordedAt: row.recorded_at,
});

/** The one request a reference names for the caller: 404 when none, 409 when the reference is ambiguous. */
async function oneRequest(tx: Tx, caller: Caller, reference: string) {
  const { rows } = await sql<TimedRequest & { host_org_id: string }>`
    select r.id, r.reference, r.org_id, r.host_org_id, r.offering_id from requests r
     where ${named(reference)} and ${visibleTo(visibility(caller.principal))}
     limit 2`.execute(tx);
  if (rows.length === 0) throw notFound('That request');
  if (rows.length > 1)
    throw new DomainError(
      'ERR_AMBIGUOUS_REFERENCE',
      `More than one request has the reference ${reference}; name it by its id`,
      {
        ids: rows.map((row) => row.id),
      },
    );
  return rows[0]!;
}

/**
 * Time the service centre spends on requests, in minutes and an activity. Entries are never changed:
 * a correction reverses an entry with one of the opposite sign, so that what was derived from it
 * (usage, recharges) can be reversed too. Time is the host's alone; it does not change the request,
 * so it needs no version.
 */
export function timeRecording(deps: RequestsDeps) {
  return {
    async recordTime(caller: Caller, reference: string, given: unknown): Promise<TimeEntry> {
      const { principal } = caller;
      requestsPolicy.work(principal);
      const input = inputOf(TimeEntryInput).read(given);
      const workedOn = input.workedOn ?? londonDate(deps.now());
      return inScope(deps.db, scopeOf(principal), async (tx) => {
        const request = await oneRequest(tx, caller, reference);
        const { rows } = await sql<EntryRow>`
          insert into request_time_entries (id, org_id, partner_org_id, request_id, user_id, minutes, activity, worked_on)
          values (${crypto.randomUUID()}, ${request.host_org_id}, ${request.org_id}, ${request.id}, ${principal.userId},
                  ${input.minutes}, ${input.activity}, ${workedOn}::date)
          returning id, request_id, ${request.reference}::text as reference, user_id, minutes, activity,
                    worked_on::text as worked_on, reverses_id, recorded_at`.execute(tx);
        const row = rows[0]!;
        await usageOfTime(tx, caller, request, entryOf(row));
        await auditBy(tx, caller, {
          orgId: principal.org.orgId,
          action: 'request.time',
          entityType: 'request',
          entityId: row.request_id,
          after: {
            reference: row.reference,
            timeEntry: row.id,
            minutes: row.minutes,
            activity: row.activity,
            workedOn,
          },
        });
        return entryOf(row);
      });
    },

    /** Reverses a time entry of the request: a new entry of the opposite sign. */
    async reverseTime(caller: Caller, reference: string, entryId: string): Promise<TimeEntry> {
      const { principal } = caller;
      requestsPolicy.work(principal);
      if (!isUuid(entryId)) throw notFound('That time entry');
      return inScope(deps.db, scopeOf(principal), async (tx) => {
        const { rows } = await sql<EntryRow & { reversed: boolean; org_id: string; offering_id: string }>`
          select t.id, t.request_id, r.reference, r.org_id, r.offering_id, t.user_id, t.minutes, t.activity, t.worked_on::text as worked_on,
                 t.reverses_id, t.recorded_at,
                 exists (select 1 from request_time_entries x where x.reverses_id = t.id) as reversed
            from request_time_entries t join requests r on r.id = t.request_id
           where t.id = ${entryId.toLowerCase()} and ${named(reference)} and ${visibleTo(visibility(principal))}`.execute(
          tx,
        );
        const original = rows[0];
        if (!original) throw notFound('That time entry');
        if (original.reversed || original.reverses_id)
          throw new DomainError(
            'ERR_ALREADY_REVERSED',
            'That time entry has already been reversed, or is itself a reversal',
          );
        const inserted = await sql<EntryRow>`
          insert into request_time_entries (id, org_id, partner_org_id, request_id, user_id, minutes, activity,
                                            worked_on, reverses_id)
          select ${crypto.randomUUID()}, t.org_id, t.partner_org_id, t.request_id, ${principal.userId}, -t.minutes,
                 t.activity, t.worked_on, t.id
            from request_time_entries t where t.id = ${original.id}
          returning id, request_id, ${original.reference}::text as reference, user_id, minutes, activity,
                    worked_on::text as worked_on, reverses_id, recorded_at`.execute(tx);
        const row = inserted.rows[0]!;
        await usageOfTime(
          tx,
          caller,
          {
            id: row.request_id,
            reference: row.reference,
            org_id: original.org_id,
            offering_id: original.offering_id,
          },
          entryOf(row),
        );
        await auditBy(tx, caller, {
          orgId: principal.org.orgId,
          action: 'request.time-reversal',
          entityType: 'request',
          entityId: row.request_id,
          after: { reference: row.reference, timeEntry: row.id, reverses: original.id, minutes: row.minutes },
        });
        return entryOf(row);
      });
    },
  };
}
