import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Tx } from '../../platform/db/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** The requests module's tables (migration 0013), as Kysely sees them. */
export type RequestTables = {
  request_counters: { org_id: string; host_org_id: string; last_number: number };
  requests: {
    id: Generated<string>;
    org_id: string;
    host_org_id: string;
    reference: string;
    service_line_id: string;
    offering_id: string;
    variant_id: string | null;
    catalogue_entry: Json<unknown>;
    requester_user_id: string | null;
    requester_name: string | null;
    requester_email: string | null;
    subject: string;
    answers: Json<Record<string, unknown>>;
    priority: string;
    status: string;
    sla: Json<unknown>;
    submitted_at: Timestamp;
    response_state: string;
    response_due_at: NullableTimestamp;
    resolution_state: string;
    resolution_due_at: NullableTimestamp;
    sla_next_check_at: NullableTimestamp;
    resolved_at: NullableTimestamp;
    closed_at: NullableTimestamp;
    version: ColumnType<number, number | undefined, number>;
    search: ColumnType<string, string | undefined, string>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  request_work: {
    request_id: string;
    org_id: string;
    partner_org_id: string;
    service_line_id: string;
    team_id: string | null;
    assignee_user_id: string | null;
    status: string;
    priority: string;
    offering_id: string;
    due_at: Timestamp;
    sla_state: string;
    active: boolean;
    updated_at: Timestamp;
  };
  request_events: {
    id: Generated<string>;
    org_id: string;
    host_org_id: string;
    request_id: string;
    at: Timestamp;
    actor_user_id: string | null;
    actor_name: string | null;
    actor_kind: string;
    kind: string;
    from_value: string | null;
    to_value: string | null;
    reason: string | null;
    body: string | null;
    by_host: boolean;
  };
  request_event_staff: {
    event_id: string;
    org_id: string;
    partner_org_id: string;
    request_id: string;
    user_id: string;
  };
  request_notes: {
    id: Generated<string>;
    org_id: string;
    partner_org_id: string;
    request_id: string;
    at: Timestamp;
    actor_user_id: string | null;
    kind: string;
    from_value: string | null;
    to_value: string | null;
    body: string | null;
  };
  request_time_entries: {
    id: Generated<string>;
    org_id: string;
    partner_org_id: string;
    request_id: string;
    user_id: string;
    minutes: number;
    activity: string;
    worked_on: ColumnType<string, string, string>;
    reverses_id: string | null;
    recorded_at: Timestamp;
  };
  request_idempotency: {
    org_id: string;
    user_id: string;
    key: string;
    body_sha256: string;
    request_id: string;
    created_at: Timestamp;
  };
  service_line_team_members: {
    org_id: string;
    team_id: string;
    user_id: string;
    role: string;
    created_at: Timestamp;
  };
};

/** The scoped transaction, seeing the requests module's tables as well as the platform's. */
export function requestsTx(tx: Tx): Kysely<RequestTables & (Tx extends Kysely<infer S> ? S : never)> {
  return tx.withTables<RequestTables>();
}
