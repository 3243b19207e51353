import { hasRole, type Principal } from '../../../platform/auth/index.js';
import { forbidden, notFound } from '../../../platform/errors.js';

/**
 * Who may do what with the joint committee's records. Row level security says the same in the
 * database (migration 0026).
 *
 * - The host's executives and platform administrators keep the records: membership, meetings,
 *   attendance, decisions, and confirming the minutes.
 * - The host's finance officers and service managers read them.
 * - A partner's managers read them where their organisation holds a seat on the committee: joint
 *   committee minutes are shared among its members. Whether it holds one is a matter of the
 *   records themselves, so the use case settles it (a partner whose organisation holds none is
 *   answered as anyone else is).
 *
 * Lists answer 403 to anyone else; a record answers 404, exactly as one that does not exist.
 */
export type GovernanceRole = 'keeper' | 'reader' | 'partner' | 'none';

export function governanceRole(principal: Principal): GovernanceRole {
  if (principal.org.role === 'host') {
    if (hasRole(principal, 'executive', 'platform_administrator')) return 'keeper';
    if (hasRole(principal, 'finance_officer', 'service_manager')) return 'reader';
    return 'none';
  }
  return hasRole(principal, 'partner_manager') ? 'partner' : 'none';
}

/** Whose committee the caller reads: the host they act in, or one where their organisation sits. */
export type GovernanceReach = { kind: 'host'; hostOrgId: string } | { kind: 'partner'; orgId: string };

const reachOf = (principal: Principal): GovernanceReach | undefined => {
  const role = governanceRole(principal);
  if (role === 'keeper' || role === 'reader') return { kind: 'host', hostOrgId: principal.org.orgId };
  if (role === 'partner') return { kind: 'partner', orgId: principal.org.orgId };
  return undefined;
};

export const governancePolicy = {
  /** Reads the committee and its meetings (lists). */
  readRecords(principal: Principal): GovernanceReach {
    const reach = reachOf(principal);
    if (!reach) throw forbidden('You cannot see the joint committee’s records');
    return reach;
  },

  /** As readRecords, for one record: anyone else finds nothing there. */
  readRecord(principal: Principal): GovernanceReach {
    const reach = reachOf(principal);
    if (!reach) throw notFound('That meeting');
    return reach;
  },

  /** Keeps the committee's records as a whole (membership, a new meeting): the host it acts in. */
  keepRecords(principal: Principal): string {
    if (governanceRole(principal) === 'keeper') return principal.org.orgId;
    throw forbidden(
      'Only the host’s executives and platform administrators keep the joint committee’s records',
    );
  },

  /** Changes one meeting: those who read it are refused, anyone else finds nothing there. */
  keepRecord(principal: Principal): string {
    const role = governanceRole(principal);
    if (role === 'keeper') return principal.org.orgId;
    if (role === 'reader')
      throw forbidden(
        'Only the host’s executives and platform administrators keep the joint committee’s records',
      );
    throw notFound('That meeting');
  },

  /** Whether the caller keeps the records (to offer the forms that change them). */
  canKeep(principal: Principal): boolean {
    return governanceRole(principal) === 'keeper';
  },
};
