import { sql } from 'kysely';
import { inScope, type Database, type Scope } from '../../platform/db/index.js';

/**
 * The scope Tandem's own jobs run in: every host organisation, whose requests they keep (clocks as
 * time passes, closing after the reopening window). Jobs act for no person.
 */
export async function hostsScope(db: Database): Promise<Scope> {
  const ids = await inScope(db, { orgIds: [], platformAdmin: true }, async (tx) => {
    const { rows } = await sql<{
      id: string;
    }>`select id from organisations where role = 'host' order by id`.execute(tx);
    return rows.map((row) => row.id);
  });
  return { orgIds: ids };
}
