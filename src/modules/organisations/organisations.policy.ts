import { isPlatformAdmin, type Principal } from '../../platform/auth/index.js';
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
   * Records which service lines an organisation takes: platform administrators. Anyone else is told,
   * for their own organisation, that they may not, and finds any other not there.
   */
  recordAgreements(principal: Principal, orgId: string): void {
    if (isPlatformAdmin(principal) && isUuid(orgId)) return;
    if (principal.org.orgId === orgId.toLowerCase())
      throw forbidden('Only platform administrators record agreements');
    throw notFound('That organisation');
  },
};
