import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { EVENT_COLUMNS, orderedRows } from '../requests.sql.js';
import type { BuiltRequest } from './history.js';

/**
 * Writes built requests many at a time (imports, demo and benchmark data): a few statements per
 * batch whatever its size, each passing its rows as one JSON array. The unit of work must see both
 * the requesting organisations and their host.
 */
export async function insertBuilt(tx: Tx, batch: readonly BuiltRequest[]): Promise<void> {
  if (batch.length === 0) return;
  const requests = batch.map(({ record, stored, searchText }) => ({
    id: record.id,
    org_id: record.orgId,
    host_org_id: record.hostOrgId,
    reference: record.reference,
    service_line_id: record.serviceLineId,
    offering_id: record.offeringId,
    variant_id: record.variantId,
    catalogue_entry: record.catalogueEntry,
    requester_user_id: record.requesterUserId,
    requester_name: record.requesterName,
    requester_email: record.requesterEmail,
    subject: record.subject,
    answers: record.answers,
    priority: record.priority,
    status: record.status,
    sla: record.sla,
    submitted_at: record.submittedAt.toISOString(),
    response_state: stored.responseState,
    response_due_at: stored.responseDueAt?.toISOString() ?? null,
    resolution_state: stored.resolutionState,
    resolution_due_at: stored.resolutionDueAt?.toISOString() ?? null,
    sla_next_check_at: stored.nextCheckAt?.toISOString() ?? null,
    resolved_at: record.resolvedAt?.toISOString() ?? null,
    closed_at: record.closedAt?.toISOString() ?? null,
    search: searchText,
  }));
  await sql`
    insert into requests (id, org_id, host_org_id, reference, service_line_id, offering_id, variant_id,
                          catalogue_entry, requester_user_id, requester_name, requester_email, subject, answers,
                          priority, status, sla, submitted_at, response_state, response_due_at, resolution_state,
                          resolution_due_at, sla_next_check_at, resolved_at, closed_at, search)
    select id, org_id, host_org_id, reference, service_line_id, offering_id, variant_id, catalogue_entry,
           requester_user_id, requester_name, requester_email, subject, answers, priority, status, sla, submitted_at,
           response_state, response_due_at, resolution_state, resolution_due_at, sla_next_check_at, resolved_at,
           closed_at, to_tsvector('english', search)
      from jsonb_to_recordset(${JSON.stringify(requests)}::jsonb)
        as r(id uuid, org_id uuid, host_org_id uuid, reference text, service_line_id uuid, offering_id uuid,
             variant_id uuid, catalogue_entry jsonb, requester_user_id uuid, requester_name text,
             requester_email text, subject text, answers jsonb, priority text, status text, sla jsonb,
             submitted_at timestamptz, response_state text, response_due_at timestamptz, resolution_state text,
             resolution_due_at timestamptz, sla_next_check_at timestamptz, resolved_at timestamptz,
             closed_at timestamptz, search text)`.execute(tx);

  const work = batch.map(({ record, stored, work: w }) => ({
    request_id: record.id,
    org_id: record.hostOrgId,
    partner_org_id: record.orgId,
    service_line_id: record.serviceLineId,
    team_id: w.teamId,
    assignee_user_id: w.assigneeUserId,
    status: record.status,
    priority: record.priority,
    offering_id: record.offeringId,
    due_at: stored.queueDueAt?.toISOString() ?? 'infinity',
    sla_state: stored.queueState,
    active: !['resolved', 'closed', 'rejected', 'withdrawn'].includes(record.status),
  }));
  await sql`
    insert into request_work (request_id, org_id, partner_org_id, service_line_id, team_id, assignee_user_id,
                              status, priority, offering_id, due_at, sla_state, active)
    select * from jsonb_to_recordset(${JSON.stringify(work)}::jsonb)
      as w(request_id uuid, org_id uuid, partner_org_id uuid, service_line_id uuid, team_id uuid,
           assignee_user_id uuid, status text, priority text, offering_id uuid, due_at timestamptz, sla_state text,
           active boolean)`.execute(tx);

  // Events in order, each remembering which of the batch's events it is, for the staff who made them.
  const events = batch.flatMap(({ record, events: list }) =>
    list.map((event) => ({
      org_id: record.orgId,
      host_org_id: record.hostOrgId,
      request_id: record.id,
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
      staff_user_id: event.staffUserId,
    })),
  );
  const { rows } = await sql<{ id: string; ord: string }>`
    with given as (
      select * from ${orderedRows(
        events,
        `org_id uuid, host_org_id uuid, request_id uuid, ${EVENT_COLUMNS}, staff_user_id uuid`,
        'e',
      )}
    ), added as (
      insert into request_events (org_id, host_org_id, request_id, at, actor_user_id, actor_name, actor_kind, kind,
                                  from_value, to_value, reason, body, by_host)
      select org_id, host_org_id, request_id, at, actor_user_id, actor_name, actor_kind, kind, from_value, to_value,
             reason, body, by_host
        from given order by ord
      returning id
    )
    select id::text as id, row_number() over (order by id)::text as ord from added`.execute(tx);
  // Identities are given in insertion order, which is `ord`: the nth smallest id is the nth event.
  const staff = rows.flatMap((row) => {
    const event = events[Number(row.ord) - 1]!;
    return event.staff_user_id
      ? [
          {
            event_id: row.id,
            org_id: event.host_org_id,
            partner_org_id: event.org_id,
            request_id: event.request_id,
            user_id: event.staff_user_id,
          },
        ]
      : [];
  });
  if (staff.length > 0) {
    await sql`
      insert into request_event_staff (event_id, org_id, partner_org_id, request_id, user_id)
      select * from jsonb_to_recordset(${JSON.stringify(staff)}::jsonb)
        as s(event_id bigint, org_id uuid, partner_org_id uuid, request_id uuid, user_id uuid)`.execute(tx);
  }

  const notes = batch.flatMap(({ record, notes: list }) =>
    list.map((note) => ({
      org_id: record.hostOrgId,
      partner_org_id: record.orgId,
      request_id: record.id,
      at: note.at.toISOString(),
      actor_user_id: note.actorUserId,
      kind: note.kind,
      from_value: note.from,
      to_value: note.to,
      body: note.body,
    })),
  );
  if (notes.length > 0) {
    await sql`
      insert into request_notes (org_id, partner_org_id, request_id, at, actor_user_id, kind, from_value, to_value, body)
      select org_id, partner_org_id, request_id, at, actor_user_id, kind, from_value, to_value, body
        from ${orderedRows(
          notes,
          'org_id uuid, partner_org_id uuid, request_id uuid, at timestamptz, actor_user_id uuid, kind text, from_value text, to_value text, body text',
          'n',
        )}
       order by ord`.execute(tx);
  }
}

/** Moves organisations' counters past the numbers that seeded requests took (never back). */
export async function advanceCounters(
  tx: Tx,
  counters: ReadonlyArray<{ orgId: string; hostOrgId: string; lastNumber: number }>,
): Promise<void> {
  if (counters.length === 0) return;
  await sql`
    insert into request_counters as c (org_id, host_org_id, last_number)
    select org_id, host_org_id, last_number
      from jsonb_to_recordset(${JSON.stringify(
        counters.map((c) => ({ org_id: c.orgId, host_org_id: c.hostOrgId, last_number: c.lastNumber })),
      )}::jsonb) as g(org_id uuid, host_org_id uuid, last_number integer)
    on conflict (org_id) do update set last_number = greatest(c.last_number, excluded.last_number)`.execute(
    tx,
  );
}
