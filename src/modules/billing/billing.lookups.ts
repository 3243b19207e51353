import { sql } from 'kysely';
import type { Tx } from '../../platform/db/index.js';

/** Organisations and service lines by code, as the caller's row level security shows them. */
export const billingLookups = {
  async organisationsByCode(
    tx: Tx,
    codes: readonly string[],
  ): Promise<Map<string, { id: string; role: string }>> {
    if (!codes.length) return new Map();
    const result = await sql<{ id: string; code: string; role: string }>`
      select id, code, role from organisations where code = any (${[...new Set(codes)]}::text[])`.execute(tx);
    return new Map(result.rows.map((row) => [row.code, { id: row.id, role: row.role }]));
  },

  async serviceLinesByCode(tx: Tx, hostOrgId: string): Promise<Map<string, string>> {
    const result = await sql<{ id: string; code: string }>`
      select id, code from service_lines where org_id = ${hostOrgId}`.execute(tx);
    return new Map(result.rows.map((row) => [row.code, row.id]));
  },

  /** Days (within [from, until)) on which each organisation takes a line from the host. */
  async agreementsOverlapping(
    tx: Tx,
    hostOrgId: string,
    from: string,
    until: string,
  ): Promise<Array<{ orgId: string; serviceLineId: string; validFrom: string; validTo: string | null }>> {
    const result = await sql<{
      org_id: string;
      service_line_id: string;
      valid_from: string;
      valid_to: string | null;
    }>`
      select org_id, service_line_id, valid_from::text, valid_to::text
        from service_agreements
       where host_org_id = ${hostOrgId} and valid_from < ${until}::date
         and (valid_to is null or valid_to >= ${from}::date)`.execute(tx);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      serviceLineId: row.service_line_id,
      validFrom: row.valid_from,
      validTo: row.valid_to,
    }));
  },
};
