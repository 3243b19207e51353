import { hasRole, isPlatformAdmin, type Principal } from '../../platform/auth/index.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';

/**
 * Who may do what with organisations and their agreements. Each use case opens with one of these
 * checks; row level security says the same in the database. An organisation the caller may not see
 * is not found, exactly as one that does not exist, so ids cannot be probed.
 */
export const organisationsPolicy = {
  /** The organisations the caller sees: every one for platform administrators (undefined), else the one they act in. */
  visibleIds(principal: Principal): string[] | undefined {
    return isPlatformAdmin(principal) ? undefined : [principal.org.orgId];
  },

  /** Sees one organisation. */
  see(principal: Principal, id: string): void {
    const visible = organisationsPolicy.visibleIds(principal);
    if (!isUuid(id) || (visible && !visible.includes(id.toLowerCase()))) throw notFound('That organisation');
  },

  /** Adds organisations: platform administrators. */
  add(principal: Principal): void {
    if (!isPlatformAdmin(principal)) throw forbidden('Only platform administrators add organisations');
  },

  /** Changes an organisation: platform administrators; anyone else sees theirs but may not change it. */
  change(principal: Principal, id: string): void {
    organisationsPolicy.see(principal, id);
    if (!isPlatformAdmin(principal)) throw forbidden('Only platform administrators change organisations');
  },

  /**
   * Reads which service lines an organisation takes, and from and to which dates: platform
   * administrators, and the organisation's own partner managers. Anyone else in it is told they may
   * not; anyone outside it finds it not there.
   */
  seeAgreements(principal: Principal, orgId: string): void {
    if (organisationsPolicy.canSeeAgreements(principal, orgId)) return;
    if (principal.org.orgId === orgId.toLowerCase())
      throw forbidden(
        "Only platform administrators and the organisation's partner managers see its agreements",
      );
    throw notFound('That organisation');
  },

  canSeeAgreements(principal: Principal, orgId: string): boolean {
    if (!isUuid(orgId)) return false;
    return (
      isPlatformAdmin(principal) ||
      (principal.org.orgId === orgId.toLowerCase() && hasRole(principal, 'partner_manager'))
    );
  },

  canRecordAgreements(principal: Principal): boolean {
    return isPlatformAdmin(principal);
  },

  /**
   * Records which service lines an organisation takes: platform administrators. Anyone else is told,
   * for their own organisation, that they may not, and finds any other not there.
   */
  recordAgreements(principal: Principal, orgId: string): void {
    if (organisationsPolicy.canRecordAgreements(principal) && isUuid(orgId)) return;
    if (principal.org.orgId === orgId.toLowerCase())
      throw forbidden('Only platform administrators record agreements');
    throw notFound('That organisation');
  },
};
