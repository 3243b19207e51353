import type { Tx } from '../../platform/db/index.js';

export interface AuditEntry {
  actorUserId: string | null;
  orgId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/** Who did what, when, to what: written in the same transaction as the change it records. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({
      actor_user_id: entry.actorUserId,
      org_id: entry.orgId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      request_id: entry.requestId ?? null,
    })
    .execute();
}

export interface AuditEvent {
  id: string;
  at: Date;
  actorUserId: string | null;
  orgId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export async function listAuditEvents(
  tx: Tx,
  filter: { entityType?: string; entityId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  let query = tx
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor_user_id', 'org_id', 'action', 'entity_type', 'entity_id', 'before', 'after'])
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 100);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actorUserId: row.actor_user_id,
    orgId: row.org_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
  }));
}
