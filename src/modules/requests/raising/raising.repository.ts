import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';
import { queueMailWith, type OutgoingMail } from '../../../platform/mail/index.js';
import { EVENT_COLUMNS, orderedRows } from '../requests.sql.js';
import type { StoredClocks } from '../clocks/stored.js';
import type { RequestEvent, RequestRecord } from '../request.js';

export const raisingRepository = {
  /**
   * Takes an Idempotency-Key for a request about to be raised, or finds who took it. A retry racing
   * the first attempt waits here until that one commits (or rolls back, freeing the key).
   */
  async takeIdempotencyKey(
    tx: Tx,
    key: { orgId: string; userId: string; key: string; bodySha256: string; requestId: string },
  ): Promise<{ taken: true } | { taken: false; requestId: string; bodySha256: string }> {
    const inserted = await sql<{ request_id: string }>`
      insert into request_idempotency (org_id, user_id, key, body_sha256, request_id)
      values (${key.orgId}, ${key.userId}, ${key.key}, ${key.bodySha256}, ${key.requestId})
      on conflict do nothing
      returning request_id`.execute(tx);
    if (inserted.rows.length > 0) return { taken: true };
    const { rows } = await sql<{ request_id: string; body_sha256: string }>`
      select request_id, body_sha256 from request_idempotency
       where org_id = ${key.orgId} and user_id = ${key.userId} and key = ${key.key}`.execute(tx);
    const found = rows[0];
    if (!found) throw new Error('idempotency key neither taken nor found');
    return { taken: false, requestId: found.request_id, bodySha256: found.body_sha256 };
  },

  /**
   * Adds a raised request in one statement: the organisation's next number (its counter row stays
   * locked until the unit of work ends, so numbers have no gaps and no duplicates), the request with
   * its stored clocks, its first events, its queue row and its audit entry. The counter and the
   * organisation's audit chain (migration 0010) are each one row that every raise in the
   * organisation takes in turn: taken in the unit of work's last statement, they are held for one
   * round trip and the commit (the caller sends COMMIT with it: `commitWith`). The audit entry has
   * the columns `recordAudit` writes; the acknowledgement goes to the outbox here, since only this
   * statement knows the reference it tells.
   */
  async insertRaised(
    tx: Tx,
    raised: {
      record: Omit<RequestRecord, 'reference' | 'version'>;
      orgCode: string;
      events: readonly RequestEvent[];
      stored: StoredClocks;
      searchText: string;
      audit: { actorUserId: string; orgId: string; requestId: string | null; after: Record<string, unknown> };
      /** The requester's acknowledgement, its blank filled with the reference. */
      mail: OutgoingMail | undefined;
    },
  ): Promise<string> {
    const { record, stored } = raised;
    const events = raised.events.map((event) => ({
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
    const { rows } = await sql<{ reference: string }>`
      with numbered as (
        insert into request_counters as c (org_id, host_org_id, last_number)
        values (${record.orgId}, ${record.hostOrgId}, 1)
        on conflict (org_id) do update set last_number = c.last_number + 1
        returning last_number
      ), added as (
        insert into requests (id, org_id, host_org_id, reference, service_line_id, offering_id, variant_id,
                              catalogue_entry, requester_user_id, requester_name, requester_email, subject,
                              answers, priority, status, sla, submitted_at, response_state, response_due_at,
                              resolution_state, resolution_due_at, sla_next_check_at, search)
        select ${record.id}, ${record.orgId}, ${record.hostOrgId},
               ${raised.orgCode} || '-' || lpad(n.last_number::text, greatest(6, length(n.last_number::text)), '0'),
               ${record.serviceLineId}, ${record.offeringId}, ${record.variantId},
               ${JSON.stringify(record.catalogueEntry)}::jsonb, ${record.requesterUserId}, ${record.requesterName},
               ${record.requesterEmail}, ${record.subject}, ${JSON.stringify(record.answers)}::jsonb,
               ${record.priority}, ${record.status}, ${JSON.stringify(record.sla)}::jsonb,
               ${record.submittedAt}::timestamptz, ${stored.responseState},
               ${stored.responseDueAt}::timestamptz, ${stored.resolutionState},
               ${stored.resolutionDueAt}::timestamptz, ${stored.nextCheckAt}::timestamptz,
               to_tsvector('english', ${raised.searchText}::text)
          from numbered n
        returning id, reference
      ), history as (
        insert into request_events (org_id, host_org_id, request_id, at, actor_user_id, actor_name, actor_kind,
                                    kind, from_value, to_value, reason, body, by_host)
        select ${record.orgId}, ${record.hostOrgId}, a.id, e.at, e.actor_user_id, e.actor_name, e.actor_kind,
               e.kind, e.from_value, e.to_value, e.reason, e.body, e.by_host
          from added a, ${orderedRows(events, EVENT_COLUMNS, 'e')}
         order by e.ord
      ), audited as (
        insert into audit_events (actor_user_id, org_id, action, entity_type, entity_id, after, request_id)
        select ${raised.audit.actorUserId}, ${raised.audit.orgId}, 'request.raise', 'request', a.id::text,
               jsonb_build_object('reference', a.reference) || ${JSON.stringify(raised.audit.after)}::jsonb,
               ${raised.audit.requestId}
          from added a
      ), mailed as (
        ${raised.mail ? queueMailWith(raised.mail, { from: sql`added a`, fill: sql`a.reference` }) : sql`select`}
      )
      select a.reference,
             request_work_put(a.id, ${record.orgId}, ${record.hostOrgId}, ${record.serviceLineId},
                              ${record.offeringId}, ${record.status}, ${record.priority},
                              ${stored.queueDueAt}::timestamptz, ${stored.queueState}) as queued
        from added a`.execute(tx);
    return rows[0]!.reference;
  },
};
