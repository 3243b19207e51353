import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Tx } from '../../platform/db/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;
/** `date` columns, written and compared as 'YYYY-MM-DD'; the repository reads them with `::text`. */
type DateColumn = string;
type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

interface OwnedRow {
  org_id: string;
  host_org_id: string;
}

export type CatalogueTables = {
  bank_holidays: { division: string; date: DateColumn; title: string };
  service_lines: {
    id: Generated<string>;
    org_id: string;
    code: string;
    name: string;
    manager_user_ids: ColumnType<string[], string[] | undefined, string[]>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  service_line_teams: { id: Generated<string>; org_id: string; service_line_id: string; name: string };
  calendars: OwnedRow & {
    id: Generated<string>;
    code: string;
    name: string;
    time_zone: string;
    hours: Json<Record<string, Array<[string, string]>>>;
    holidays: string | null;
    closures: ColumnType<string[], string[], string[]>;
    version: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  sla_policies: OwnedRow & {
    id: Generated<string>;
    service_line_id: string;
    code: string;
    name: string;
    calendar_id: string;
    warning_percent: number;
    pause_states: string[];
    targets: Json<unknown>;
    version: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  offerings: OwnedRow & {
    id: Generated<string>;
    service_line_id: string;
    code: string;
    name: string;
    description: string;
    lgsl_id: number | null;
    unit: string;
    form_fields: Json<unknown>;
    sla_policy_id: string;
    approval_required: boolean;
    status: string;
    version: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  offering_variants: OwnedRow & {
    id: Generated<string>;
    service_line_id: string;
    offering_id: string;
    name: string | null;
    description: string | null;
    hidden: boolean;
    extra_fields: Json<unknown>;
    sla_policy_id: string | null;
    version: ColumnType<number, number | undefined, number>;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  catalogue_history: OwnedRow & {
    id: Generated<string>;
    service_line_id: string;
    entity_type: string;
    entity_id: string;
    version: number;
    snapshot: Json<unknown>;
    changed_by: string | null;
    changed_at: Timestamp;
  };
  tariffs: OwnedRow & {
    id: Generated<string>;
    service_line_id: string;
    offering_id: string;
    unit_price_pence: ColumnType<string, number | string, number | string>;
    valid_from: DateColumn;
    valid_to: NullableDate;
    created_by: string | null;
    created_at: Timestamp;
  };
};

/** The scoped transaction, seeing the catalogue's tables as well as the platform's. */
export function catalogueTx(tx: Tx): Kysely<CatalogueTables & (Tx extends Kysely<infer S> ? S : never)> {
  return tx.withTables<CatalogueTables>();
}
