import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/index.js';

/** Where each service line's charges go in the ledger: a cost centre and an account. */
export const journalCodes = {
  async list(
    tx: Tx,
    hostOrgId: string,
  ): Promise<Map<string, { lineCode: string; costCentre: string; account: string }>> {
    const result = await sql<{ service_line_id: string; code: string; cost_centre: string; account: string }>`
      select j.service_line_id, l.code, j.cost_centre, j.account
        from journal_codes j join service_lines l on l.id = j.service_line_id
       where j.host_org_id = ${hostOrgId}
       order by l.code`.execute(tx);
    return new Map(
      result.rows.map((row) => [
        row.service_line_id,
        { lineCode: row.code, costCentre: row.cost_centre, account: row.account },
      ]),
    );
  },

  async set(
    tx: Tx,
    hostOrgId: string,
    serviceLineId: string,
    costCentre: string,
    account: string,
  ): Promise<void> {
    await sql`
      insert into journal_codes (org_id, host_org_id, service_line_id, cost_centre, account)
      values (${hostOrgId}, ${hostOrgId}, ${serviceLineId}, ${costCentre}, ${account})
      on conflict (org_id, service_line_id) do update
         set cost_centre = excluded.cost_centre, account = excluded.account, updated_at = now()`.execute(tx);
  },
};
