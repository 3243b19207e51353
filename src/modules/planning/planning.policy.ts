import { hasRole, type Principal } from '../../platform/auth/index.js';
import { forbidden, notFound } from '../../platform/errors.js';

/**
 * Who may do what in planning. Row level security says the same in the database (migration 0017).
 *
 * - Business cases, cost models and what-if scenarios are the host's: its executives, finance
 *   officers and platform administrators build them; its service managers read them. Partners never
 *   see them: a scenario's figures include every partner's volume and charge, and a draft case is the
 *   host's own thinking.
 * - Approving a case (which fixes its planned savings) is a decision for an executive.
 * - The savings ledger: the host's executives, finance officers and platform administrators see
 *   every partner's rows; a partner's managers see their own organisation's rows only.
 * - Quarterly report packs: as the savings ledger, the partnership's (or any one partner's) for the
 *   host's executives, finance officers and platform administrators; a partner's managers their own.
 *
 * Lists answer 403 to anyone else; a record answers 404, exactly as one that does not exist.
 */
export type PlanningRole = 'builder' | 'reader' | 'partner' | 'none';

export function planningRole(principal: Principal): PlanningRole {
  if (principal.org.role === 'host') {
    if (hasRole(principal, 'executive', 'finance_officer', 'platform_administrator')) return 'builder';
    if (hasRole(principal, 'service_manager')) return 'reader';
    return 'none';
  }
  return hasRole(principal, 'partner_manager') ? 'partner' : 'none';
}

/** Whose rows of the savings ledger the caller sees. */
export type LedgerScope = { kind: 'host'; hostOrgId: string } | { kind: 'partner'; orgId: string };

export const planningPolicy = {
  /** Reads business cases, cost models and scenarios: the host acted in. */
  readPlans(principal: Principal): string {
    const role = planningRole(principal);
    if (role !== 'builder' && role !== 'reader')
      throw forbidden('You cannot see business cases or scenarios');
    return principal.org.orgId;
  },

  /** As readPlans, for one record: anyone else finds nothing there. */
  readPlan(principal: Principal): string {
    const role = planningRole(principal);
    if (role !== 'builder' && role !== 'reader') throw notFound('That business case or scenario');
    return principal.org.orgId;
  },

  /** Builds business cases, cost models and scenarios. */
  buildPlans(principal: Principal): string {
    const role = planningRole(principal);
    if (role === 'builder') return principal.org.orgId;
    if (role === 'reader')
      throw forbidden('Only executives and finance officers build business cases and scenarios');
    throw notFound('That business case or scenario');
  },

  /** Approves a business case: the host's executives. */
  approveCase(principal: Principal): string {
    const hostOrgId = planningPolicy.buildPlans(principal);
    if (!hasRole(principal, 'executive')) throw forbidden('Only an executive approves a business case');
    return hostOrgId;
  },

  /** Reads the savings ledger. */
  readLedger(principal: Principal): LedgerScope {
    const role = planningRole(principal);
    if (role === 'builder') return { kind: 'host', hostOrgId: principal.org.orgId };
    if (role === 'partner') return { kind: 'partner', orgId: principal.org.orgId };
    throw forbidden('You cannot see the savings ledger');
  },

  /** Reads a quarterly report pack: the partnership's for the host's builders, a partner's own for it. */
  readReportPack(principal: Principal): LedgerScope {
    const role = planningRole(principal);
    if (role !== 'builder' && role !== 'partner') throw forbidden('You cannot see report packs');
    return planningPolicy.readLedger(principal);
  },

  /** Keeps baselines and the ledger's tolerance: the host's builders. */
  keepLedger(principal: Principal): string {
    if (planningRole(principal) !== 'builder')
      throw forbidden('Only the host’s executives and finance officers keep baselines');
    return principal.org.orgId;
  },
};
