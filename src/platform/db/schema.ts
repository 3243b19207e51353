import type { ColumnType, Generated } from 'kysely';

/** Timestamps arrive as Date; inserts may give a Date or an ISO string; the database fills defaults. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export interface OrganisationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  role: 'host' | 'partner';
  kind: string;
  parent_id: string | null;
  bank_holiday_division: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  disabled_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  roles: string[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  org_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date | string;
  user_agent: string | null;
}

export interface ApiTokensTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Date | string;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: NullableTimestamp;
}

export interface AuditEventsTable {
  id: Generated<string>;
  at: Timestamp;
  actor_user_id: string | null;
  org_id: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json;
  after: Json;
  request_id: string | null;
  /** The entry's place in its organisation's hash chain, and the hashes: set by the database. */
  seq: ColumnType<string, never, never>;
  prev_hash: ColumnType<Buffer, never, never>;
  hash: ColumnType<Buffer, never, never>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Timestamp;
}

/** Every table the application reads or writes, as Kysely sees them. */
export interface Schema {
  organisations: OrganisationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttle: SignInThrottleTable;
  audit_events: AuditEventsTable;
  schema_migrations: SchemaMigrationsTable;
}
