import type { Tx } from '../../platform/db/index.js';
import { catalogueTx as c } from './catalogue.tables.js';

/** A saved version of an offering, a variant or an SLA policy, as it was. */
export interface HistoryEntry {
  version: number;
  snapshot: unknown;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: Date;
}

export type HistoryEntity = 'offering' | 'variant' | 'sla_policy';

/** Every version of the catalogue's changing rows, kept so that a change never loses what was there. */
export const historyRepository = {
  async record(
    tx: Tx,
    entry: {
      orgId: string;
      hostOrgId: string;
      serviceLineId: string;
      entityType: HistoryEntity;
      entityId: string;
      version: number;
      snapshot: unknown;
      changedBy: string | null;
    },
  ): Promise<void> {
    await c(tx)
      .insertInto('catalogue_history')
      .values({
        org_id: entry.orgId,
        host_org_id: entry.hostOrgId,
        service_line_id: entry.serviceLineId,
        entity_type: entry.entityType,
        entity_id: entry.entityId,
        version: entry.version,
        snapshot: JSON.stringify(entry.snapshot),
        changed_by: entry.changedBy,
      })
      .execute();
  },

  /** The versions of one row, newest first. */
  async of(tx: Tx, entityType: HistoryEntity, entityId: string): Promise<HistoryEntry[]> {
    const rows = await c(tx)
      .selectFrom('catalogue_history as h')
      .leftJoin('users as u', 'u.id', 'h.changed_by')
      .select(['h.version', 'h.snapshot', 'h.changed_by', 'u.name as changed_by_name', 'h.changed_at'])
      .where('h.entity_type', '=', entityType)
      .where('h.entity_id', '=', entityId)
      .orderBy('h.version', 'desc')
      .execute();
    return rows.map((row) => ({
      version: row.version,
      snapshot: typeof row.snapshot === 'string' ? (JSON.parse(row.snapshot) as unknown) : row.snapshot,
      changedBy: row.changed_by,
      changedByName: row.changed_by_name,
      changedAt: row.changed_at,
    }));
  },
};
