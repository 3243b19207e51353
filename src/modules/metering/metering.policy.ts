import { sql } from 'kysely';
import { hasRole, type Principal } from '../../platform/auth/index.js';
import type { Tx } from '../../platform/db/index.js';

/**
 * Who may record and read usage. Finance officers of the host record and read all of it; a
 * service manager, the usage of the lines they manage; executives read all of it; a partner's
 * managers read their own organisation's. Row level security enforces the organisation boundary
 * whatever this says.
 */
export interface UsageAccess {
  /** The organisation acted in. */
  orgId: string;
  /** The host, when acting in it. */
  hostOrgId: string | null;
  record: 'all' | 'lines' | 'none';
  read: 'all' | 'lines' | 'own' | 'none';
  /** The lines a service manager manages (for `lines`). */
  lineIds: string[];
}

/** The service lines whose managers include the caller, in the host they act in. */
export async function managedLineIds(tx: Tx, principal: Principal): Promise<string[]> {
  if (principal.org.role !== 'host' || !hasRole(principal, 'service_manager')) return [];
  const result = await sql<{ id: string }>`
    select id from service_lines
     where org_id = ${principal.org.orgId} and ${principal.userId}::uuid = any (manager_user_ids)
     order by code`.execute(tx);
  return result.rows.map((row) => row.id);
}

export async function usageAccess(tx: Tx, principal: Principal): Promise<UsageAccess> {
  const orgId = principal.org.orgId;
  if (principal.org.role === 'host') {
    if (hasRole(principal, 'finance_officer'))
      return { orgId, hostOrgId: orgId, record: 'all', read: 'all', lineIds: [] };
    if (hasRole(principal, 'service_manager'))
      return {
        orgId,
        hostOrgId: orgId,
        record: 'lines',
        read: 'lines',
        lineIds: await managedLineIds(tx, principal),
      };
    if (hasRole(principal, 'executive'))
      return { orgId, hostOrgId: orgId, record: 'none', read: 'all', lineIds: [] };
    return { orgId, hostOrgId: orgId, record: 'none', read: 'none', lineIds: [] };
  }
  return {
    orgId,
    hostOrgId: null,
    record: 'none',
    read: hasRole(principal, 'partner_manager') ? 'own' : 'none',
    lineIds: [],
  };
}
