import type { Caller } from '../../platform/auth/index.js';
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

/** Records what a signed-in caller did: they are the actor, and their request is the one named. */
export function auditBy(
  tx: Tx,
  caller: Caller,
  entry: Omit<AuditEntry, 'actorUserId' | 'requestId'>,
): Promise<void> {
  return recordAudit(tx, {
    ...entry,
    actorUserId: caller.principal.userId,
    requestId: caller.requestId ?? null,
  });
}
