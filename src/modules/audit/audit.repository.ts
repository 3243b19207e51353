import { sql } from 'kysely';
import type { Caller } from '../../platform/auth/index.js';
import type { Tx } from '../../platform/db/index.js';

export interface AuditEntry {
  actorUserId: string | null;
  /** The organisation whose log the entry belongs in; see `recordHostAudit` for events of no partner. */
  orgId: string;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

function columnsOf(entry: Omit<AuditEntry, 'orgId'>) {
  return {
    actor_user_id: entry.actorUserId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId ?? null,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
    request_id: entry.requestId ?? null,
  };
}

/**
 * Who did what, when, to what: written in the same transaction as the change it records. The
 * database places it in its organisation's hash chain (migration 0010).
 */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({ ...columnsOf(entry), org_id: entry.orgId })
    .execute();
}

/**
 * Records an event that belongs to no one partner — a sign-in that fails before anyone is known,
 * data loaded for the whole platform, a person added before they join an organisation — under the
 * host organisation, which runs the platform. Any unit of work may, even one with no scope.
 */
export async function recordHostAudit(tx: Tx, entry: Omit<AuditEntry, 'orgId'>): Promise<void> {
  await tx
    .insertInto('audit_events')
    .values({ ...columnsOf(entry), org_id: sql<string>`app_host_org_id()` })
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

/** An entry where an organisation's chain breaks. */
export interface ChainBreakRow {
  id: string;
  org_id: string;
  code: string | null;
  seq: string;
  at: Date;
  action: string;
  /** Its hash is not the hash of its content after the hash it names as the one before. */
  changed: boolean;
  /** The place of the entry before it in the chain (0 when it is the first there is). */
  before_seq: string;
  /** The hash it names as the one before is not the hash of the entry before it. */
  unlinked: boolean;
}

/** Each organisation's chain as stored, beside the head recorded for it. */
export interface ChainSummaryRow {
  org_id: string;
  code: string | null;
  entries: string | null;
  last_seq: string | null;
  last_hash: Buffer | null;
  head_seq: string | null;
  head_hash: Buffer | null;
}

/** The SQL of checking the chains, apart from the rules of what a break means (audit.service.ts). */
export const auditChainRepository = {
  /**
   * Entries whose hash does not match, whose place does not follow the one before, or that do not
   * name the hash of the entry before: in chain order, at most `limit`. One pass over the log.
   */
  async breaks(tx: Tx, limit: number): Promise<ChainBreakRow[]> {
    const { rows } = await sql<ChainBreakRow>`
      with chain as (
        select e.id, e.org_id, e.seq, e.at, e.action, e.prev_hash, e.hash,
               audit_event_hash(e.prev_hash, e) as recomputed,
               coalesce(lag(e.seq) over w, 0) as before_seq,
               coalesce(lag(e.hash) over w, audit_chain_start()) as before_hash
          from audit_events e
        window w as (partition by e.org_id order by e.seq)
      )
      select c.id, c.org_id, o.code, c.seq, c.at, c.action, c.before_seq,
             c.hash <> c.recomputed as changed, c.prev_hash <> c.before_hash as unlinked
        from chain c
        left join organisations o on o.id = c.org_id
       where c.hash <> c.recomputed or c.seq <> c.before_seq + 1 or c.prev_hash <> c.before_hash
       order by c.org_id, c.seq
       limit ${limit}`.execute(tx);
    return rows;
  },

  async summaries(tx: Tx): Promise<ChainSummaryRow[]> {
    const { rows } = await sql<ChainSummaryRow>`
      select coalesce(t.org_id, h.org_id) as org_id, o.code, t.entries, t.last_seq,
             (select e.hash from audit_events e where e.org_id = t.org_id and e.seq = t.last_seq limit 1) as last_hash,
             h.seq as head_seq, h.hash as head_hash
        from (select org_id, count(*) as entries, max(seq) as last_seq from audit_events group by org_id) t
        full join audit_chain_heads h on h.org_id = t.org_id
        left join organisations o on o.id = coalesce(t.org_id, h.org_id)
       order by o.code nulls last, 1`.execute(tx);
    return rows;
  },
};
