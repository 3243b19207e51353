/**
 * The SQL every slice shares: reading a request with the history its clocks replay, and writing a
 * change to it (events, notes, the request's own columns and its queue row) in one statement.
 */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';
import { isUuid } from '../../platform/ids.js';
import { EVENT_COLUMNS, orderedRows } from './requests.sql.js';
import type { StoredClocks } from './clocks/stored.js';
import type { Visibility } from './requests.policy.js';
import type {
  CatalogueEntry,
  Priority,
  RequestEvent,
  RequestNote,
  RequestRecord,
  RequestStatus,
  RequestWork,
  SlaSnapshot,
} from './request.js';
import { ACTIVE_STATUSES } from './request.js';

/** The columns of `requests` a record is read from, as a select list for table alias `r`. */
export const RECORD_COLUMNS = sql.raw(`r.id, r.org_id, r.host_org_id, r.reference, r.service_line_id,
  r.offering_id, r.variant_id, r.catalogue_entry, r.requester_user_id, r.requester_name, r.requester_email,
  r.subject, r.answers, r.priority, r.status, r.sla, r.submitted_at, r.resolved_at, r.closed_at, r.version`);

export interface RecordRow {
  id: string;
  org_id: string;
  host_org_id: string;
  reference: string;
  service_line_id: string;
  offering_id: string;
  variant_id: string | null;
  catalogue_entry: CatalogueEntry;
  requester_user_id: string | null;
  requester_name: string | null;
  requester_email: string | null;
  subject: string;
  answers: Record<string, unknown>;
  priority: Priority;
  status: RequestStatus;
  sla: SlaSnapshot;
  submitted_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  version: number;
}

export function recordOf(row: RecordRow): RequestRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    hostOrgId: row.host_org_id,
    reference: row.reference,
    serviceLineId: row.service_line_id,
    offeringId: row.offering_id,
    variantId: row.variant_id,
    catalogueEntry: row.catalogue_entry,
    requesterUserId: row.requester_user_id,
    requesterName: row.requester_name,
    requesterEmail: row.requester_email,
    subject: row.subject,
    answers: row.answers,
    priority: row.priority,
    status: row.status,
    sla: row.sla,
    submittedAt: row.submitted_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    version: row.version,
  };
}

/** An event as `json_build_object` gives it (see EVENTS_JSON). */
export interface EventJson {
  id: string;
  at: string;
  kind: RequestEvent['kind'];
  actorKind: RequestEvent['actorKind'];
  actorUserId: string | null;
  actorName: string | null;
  staffUserId: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  body?: string | null;
  byHost: boolean;
}

export function eventOf(json: EventJson): RequestEvent {
  return {
    id: json.id,
    at: new Date(json.at),
    kind: json.kind,
    actorKind: json.actorKind,
    actorUserId: json.actorUserId,
    actorName: json.actorName,
    staffUserId: json.staffUserId,
    from: json.from,
    to: json.to,
    reason: json.reason,
    body: json.body ?? null,
    byHost: json.byHost,
  };
}

/**
 * A request's public events, oldest first, as a JSON array (for request alias `r`); `withBody`
 * adds the texts, which clocks do not need. Who of the service centre made each is seen by the host only.
 */
export function eventsJson(withBody: boolean) {
  return sql`coalesce((
    select json_agg(json_build_object(
             'id', e.id::text, 'at', e.at, 'kind', e.kind, 'actorKind', e.actor_kind,
             'actorUserId', e.actor_user_id, 'actorName', e.actor_name, 'staffUserId', s.user_id,
             'from', e.from_value, 'to', e.to_value, 'reason', e.reason,
             ${withBody ? sql`'body', e.body,` : sql``} 'byHost', e.by_host) order by e.at, e.id)
      from request_events e left join request_event_staff s on s.event_id = e.id
     where e.request_id = r.id), '[]')`;
}

/** The bank holidays of the request's SLA calendar (request alias `r`). */
export const BANK_HOLIDAYS = sql`array(
  select b.date::text from bank_holidays b where b.division = r.sla->'calendar'->>'holidays' order by b.date)`;

/** Which requests the caller may see, as a condition on request alias `r`. */
export function visibleTo(visibility: Visibility) {
  switch (visibility.kind) {
    case 'host':
      return sql`r.host_org_id = ${visibility.hostOrgId}`;
    case 'organisation':
      return sql`r.org_id = ${visibility.orgId}`;
    case 'own':
      return sql`r.org_id = ${visibility.orgId} and r.requester_user_id = ${visibility.userId}`;
  }
}

/** A request named by its id or by its reference. */
export function named(reference: string) {
  return isUuid(reference) ? sql`r.id = ${reference.toLowerCase()}` : sql`r.reference = ${reference}`;
}

/** A request locked for a change, with what its clocks replay and (for the host) who works it. */
export interface LockedRequest {
  record: RequestRecord;
  events: RequestEvent[];
  bankHolidays: string[];
  work: RequestWork;
}

type LockedRow = RecordRow & {
  events: EventJson[];
  bank_holidays: string[];
  team_id: string | null;
  assignee_user_id: string | null;
};

function lockedOf(row: LockedRow): LockedRequest {
  return {
    record: recordOf(row),
    events: row.events.map(eventOf),
    bankHolidays: row.bank_holidays,
    work: { teamId: row.team_id, assigneeUserId: row.assignee_user_id },
  };
}

export const requestsRepository = {
  /**
   * The requests the caller may see with this reference (or id), locked until the unit of work
   * ends, so that changes to one request take turns. More than one only when imports repeat a
   * reference across partners and the caller sees them all.
   */
  async lockForChange(tx: Tx, visibility: Visibility, reference: string): Promise<LockedRequest[]> {
    const { rows } = await sql<LockedRow>`
      select ${RECORD_COLUMNS}, ${eventsJson(false)} as events, ${BANK_HOLIDAYS} as bank_holidays,
             w.team_id, w.assignee_user_id
        from requests r left join request_work w on w.request_id = r.id
       where ${named(reference)} and ${visibleTo(visibility)}
       limit 2
         for update of r`.execute(tx);
    return rows.map(lockedOf);
  },

  /** Requests by id, locked, for the jobs that move many at once (auto-close, clock refresh). */
  async lockByIds(tx: Tx, ids: readonly string[]): Promise<LockedRequest[]> {
    if (ids.length === 0) return [];
    const { rows } = await sql<LockedRow>`
      select ${RECORD_COLUMNS}, ${eventsJson(false)} as events, ${BANK_HOLIDAYS} as bank_holidays,
             w.team_id, w.assignee_user_id
        from requests r left join request_work w on w.request_id = r.id
       where r.id = any(${[...ids]}::uuid[])
       order by r.id
         for update of r skip locked`.execute(tx);
    return rows.map(lockedOf);
  },

  /**
   * Writes one change: its new events (and, when the service centre made them, who), notes, the
   * request's status, priority, clocks and version, and its queue row, as one statement. Refused as
   * stale (undefined) when the request is no longer at `version`.
   */
  async writeChange(tx: Tx, change: Change): Promise<number | undefined> {
    const { record } = change;
    const events = change.events.map((event) => ({
      at: event.at.toISOString(),
      actor_user_id: event.actorUserId,
      actor_name: event.actorName,
      actor_kind: event.actorKind,
      kind: event.kind,
      from_value: event.from,
      to_value: event.to,
      reason: event.reason,
      body: event.body,
      by_host: event.byHost,
    }));
    const notes = change.notes.map((note) => ({
      at: note.at.toISOString(),
      actor_user_id: note.actorUserId,
      kind: note.kind,
      from_value: note.from,
      to_value: note.to,
      body: note.body,
    }));
    const { stored } = change;
    const active = ACTIVE_STATUSES.includes(change.status);
    const queueRow = change.work
      ? // The host's own change: its queue row, team and assignee included, directly.
        sql`update request_work
               set status = ${change.status}, priority = ${change.priority},
                   due_at = coalesce(${stored.queueDueAt}::timestamptz, 'infinity'), sla_state = ${stored.queueState},
                   active = ${active}, team_id = ${change.work.teamId}, assignee_user_id = ${change.work.assigneeUserId},
                   updated_at = now()
             where request_id = ${record.id} and exists (select 1 from changed)
         returning true as put`
      : // The partner's change: the copy through request_work_put (migration 0013).
        sql`select request_work_put(${record.id}, ${record.orgId}, ${record.hostOrgId}, ${record.serviceLineId},
                                    ${record.offeringId}, ${change.status}, ${change.priority},
                                    ${stored.queueDueAt}::timestamptz, ${stored.queueState}) as put
              from changed`;
    const { rows } = await sql<{ version: number }>`
      with changed as (
        update requests
           set status = ${change.status}, priority = ${change.priority},
               resolved_at = ${change.resolvedAt}::timestamptz, closed_at = ${change.closedAt}::timestamptz,
               response_state = ${stored.responseState}, response_due_at = ${stored.responseDueAt}::timestamptz,
               resolution_state = ${stored.resolutionState},
               resolution_due_at = ${stored.resolutionDueAt}::timestamptz,
               sla_next_check_at = ${stored.nextCheckAt}::timestamptz,
               search = case when ${change.searchText}::text is null then search
                             else search || to_tsvector('english', ${change.searchText}::text) end,
               version = version + 1, updated_at = now()
         where id = ${record.id} and version = ${record.version}
        returning id, version
      ), added as (
        insert into request_events (org_id, host_org_id, request_id, at, actor_user_id, actor_name, actor_kind,
                                    kind, from_value, to_value, reason, body, by_host)
        select ${record.orgId}, ${record.hostOrgId}, c.id, e.at, e.actor_user_id, e.actor_name, e.actor_kind,
               e.kind, e.from_value, e.to_value, e.reason, e.body, e.by_host
          from changed c, ${orderedRows(events, EVENT_COLUMNS, 'e')}
         order by e.ord
        returning id
      ), staff as (
        insert into request_event_staff (event_id, org_id, partner_org_id, request_id, user_id)
        select a.id, ${record.hostOrgId}, ${record.orgId}, ${record.id}, ${change.staffUserId}::uuid
          from added a where ${change.staffUserId}::uuid is not null
      ), noted as (
        insert into request_notes (org_id, partner_org_id, request_id, at, actor_user_id, kind, from_value,
                                   to_value, body)
        select ${record.hostOrgId}, ${record.orgId}, c.id, n.at, n.actor_user_id, n.kind, n.from_value,
               n.to_value, n.body
          from changed c,
               ${orderedRows(notes, 'at timestamptz, actor_user_id uuid, kind text, from_value text, to_value text, body text', 'n')}
         order by n.ord
      ), queued as (${queueRow})
      select c.version from changed c where (select count(*) from queued) >= 0`.execute(tx);
    return rows[0]?.version;
  },
};

/** One change to a request, as the workflow decided it. */
export interface Change {
  /** The request as it was read (its version is the one the change is made against). */
  record: RequestRecord;
  status: RequestStatus;
  priority: Priority;
  resolvedAt: Date | null;
  closedAt: Date | null;
  events: RequestEvent[];
  notes: RequestNote[];
  /** The service centre's person who made the events, or null. */
  staffUserId: string | null;
  stored: StoredClocks;
  /** Who works it, when the host makes the change (null: a partner's change, which cannot touch it). */
  work: RequestWork | null;
  /** Words to add to the request's full-text search (a public reply), or null. */
  searchText: string | null;
}
