import { hasRole, isPlatformAdmin, type Principal } from '../../platform/auth/index.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';

/**
 * Where a person stands towards the partnership (migration 0025 says the same): the host's
 * executives and platform administrators keep the pipeline and the agreements' terms; its finance
 * officers read them; a partner's managers read their own organisation's terms. The host's other
 * people (service managers, agents) see neither.
 */
export type PartnershipRole = 'keeper' | 'reader' | 'partner' | 'none';

export function partnershipRole(principal: Principal): PartnershipRole {
  if (principal.org.role === 'host') {
    if (hasRole(principal, 'executive', 'platform_administrator')) return 'keeper';
    if (hasRole(principal, 'finance_officer')) return 'reader';
    return 'none';
  }
  return hasRole(principal, 'partner_manager') ? 'partner' : 'none';
}

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

  /** Reads the pipeline: the host's keepers and readers; anyone else is told they may not. */
  readPipeline(principal: Principal): string {
    const role = partnershipRole(principal);
    if (role !== 'keeper' && role !== 'reader') throw forbidden('You cannot see the partnership pipeline');
    return principal.org.orgId;
  },

  /** Reads one entry of the pipeline: anyone who may not finds nothing there. */
  readProspect(principal: Principal): string {
    const role = partnershipRole(principal);
    if (role !== 'keeper' && role !== 'reader') throw notFound('That prospective partner');
    return principal.org.orgId;
  },

  canKeepPipeline(principal: Principal): boolean {
    return partnershipRole(principal) === 'keeper';
  },

  /** Keeps the pipeline: the host's executives and platform administrators. */
  keepPipeline(principal: Principal): string {
    const role = partnershipRole(principal);
    if (role === 'keeper') return principal.org.orgId;
    if (role === 'reader') throw forbidden('Only executives and platform administrators keep the pipeline');
    throw notFound('That prospective partner');
  },

  /**
   * Reads an organisation's agreement terms: the host's keepers and readers, and the organisation's
   * own partner managers. Anyone else finds the organisation not there.
   */
  readTerms(principal: Principal, orgId: string): void {
    if (organisationsPolicy.canReadTerms(principal, orgId)) return;
    if (principal.org.orgId === orgId.toLowerCase())
      throw forbidden("Only the organisation's partner managers see its agreement's terms");
    throw notFound('That organisation');
  },

  canReadTerms(principal: Principal, orgId: string): boolean {
    const role = partnershipRole(principal);
    if (role === 'keeper' || role === 'reader') return true;
    return role === 'partner' && isUuid(orgId) && principal.org.orgId === orgId.toLowerCase();
  },

  canKeepTerms(principal: Principal): boolean {
    return partnershipRole(principal) === 'keeper';
  },

  /** Drafts and signs versions of an agreement's terms: the host's keepers. */
  keepTerms(principal: Principal, orgId: string): string {
    if (organisationsPolicy.canKeepTerms(principal)) return principal.org.orgId;
    organisationsPolicy.readTerms(principal, orgId);
    throw forbidden('Only executives and platform administrators record the terms of an agreement');
  },
};
