import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

type NullableDate = ColumnType<string | null, string | null | undefined, string | null>;

export type AgreementTables = {
  service_agreements: {
    id: Generated<string>;
    /** The partner taking the line. */
    org_id: string;
    /** The host that runs it. */
    host_org_id: string;
    service_line_id: string;
    valid_from: string;
    valid_to: NullableDate;
    created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  /** The catalogue's service lines, read here only to name the line an agreement is for. */
  service_lines: { id: string; org_id: string; code: string; name: string };
};

/** The scoped transaction, seeing the agreements' tables as well as the platform's. */
export function agreementsTx(tx: Tx): Kysely<AgreementTables & (Tx extends Kysely<infer S> ? S : never)> {
  return tx.withTables<AgreementTables>();
}
