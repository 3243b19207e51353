import { hasRole, isPlatformAdmin, type Principal } from '../../platform/auth/index.js';
import type { Tx } from '../../platform/db/index.js';
import type { DomainError } from '../../platform/errors.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { londonDate } from '../../kernel/dates.js';
import { agreementsRepository } from '../organisations/index.js';
import { serviceLinesRepository } from './service-lines/service-lines.repository.js';

/**
 * Who may do what in the catalogue. Every use case works out the caller's access once, in its unit
 * of work, and opens with one of the checks below; row level security enforces the same rules in
 * the database (migration 0002), so a check forgotten here still shows nothing it should not.
 */

/** What the caller may see and change in the catalogue, worked out once per unit of work. */
export interface Access {
  principal: Principal;
  orgId: string;
  /** The host whose catalogue the caller sees, or null for a partner that takes nothing today. */
  hostOrgId: string | null;
  isHost: boolean;
  /** Service lines whose standard offerings the caller sees. */
  lineIds: string[];
  /** Service lines the caller keeps, as a service manager of the host. */
  managedLineIds: string[];
}

/** Acts in the host and holds the service manager role there: keeps calendars, adds service lines. */
export function isHostServiceManager(principal: Principal): boolean {
  return principal.org.role === 'host' && hasRole(principal, 'service_manager');
}

export async function accessOf(tx: Tx, principal: Principal, today = londonDate()): Promise<Access> {
  const orgId = principal.org.orgId;
  if (principal.org.role === 'host') {
    const lines = await serviceLinesRepository.linesOfHost(tx, orgId, principal.userId);
    const manager = isHostServiceManager(principal);
    return {
      principal,
      orgId,
      hostOrgId: orgId,
      isHost: true,
      lineIds: lines.map((line) => line.id),
      managedLineIds: manager ? lines.filter((line) => line.managed).map((line) => line.id) : [],
    };
  }
  const taken = await agreementsRepository.linesTaken(tx, orgId, today);
  return {
    principal,
    orgId,
    hostOrgId: taken[0]?.hostOrgId ?? null,
    isHost: false,
    lineIds: [...new Set(taken.map((line) => line.serviceLineId))],
    managedLineIds: [],
  };
}

/** The organisations whose own rows (prices, SLA policies, calendars) the caller sees beside the standard. */
export function ownersOf(access: Access): string[] {
  return access.hostOrgId && access.hostOrgId !== access.orgId
    ? [access.hostOrgId, access.orgId]
    : [access.orgId];
}

/** A service manager of other lines is told they may not; anyone else finds nothing there. */
function notYours(access: Access, message: string): DomainError {
  return access.managedLineIds.length ? forbidden(message) : notFound();
}

/** Whose prices the caller reads on the prices page, and whether they may change them. */
export interface PriceView {
  lineIds: string[];
  /** Only these organisations' prices (the standard ones and the caller's own), or every one. */
  orgIds?: string[];
  canChange: boolean;
}

/** The rule behind `seePrices`: whose prices the caller reads, or undefined for none. */
function priceViewOf(access: Access): PriceView | undefined {
  if (access.managedLineIds.length) return { lineIds: access.managedLineIds, canChange: true };
  const { principal } = access;
  if (access.isHost && (hasRole(principal, 'finance_officer') || hasRole(principal, 'executive')))
    return { lineIds: access.lineIds, canChange: false };
  if (!access.isHost && access.lineIds.length)
    return { lineIds: access.lineIds, orgIds: ownersOf(access), canChange: false };
  return undefined;
}

/** The checks a catalogue use case opens with. */
export interface CataloguePolicy {
  manageAnyLine(access: Access): void;
  seePrices(access: Access): PriceView;
  canSeePrices(access: Access): boolean;
  manageLine(
    access: Access,
    lineId: string | undefined,
    unknown?: () => DomainError,
    message?: string,
  ): asserts lineId is string;
  keepCalendars(principal: Principal): void;
  addServiceLine(principal: Principal): void;
  seeLinePage<L extends { orgId: string }>(principal: Principal, line: L | undefined): asserts line is L;
  canKeepLinePeople(principal: Principal, line: { orgId: string; managerUserIds: string[] }): boolean;
  keepLinePeople(principal: Principal, line: { orgId: string; managerUserIds: string[] }): void;
}

export const cataloguePolicy: CataloguePolicy = {
  /** Keeps some part of the catalogue: service managers of at least one line. Anyone else finds nothing. */
  manageAnyLine(access: Access): void {
    if (access.managedLineIds.length === 0) throw notFound();
  },

  /**
   * Reads prices: service managers those of the lines they keep, and change them; the host's finance
   * officers and executives every line's, to read; a partner's people the standard prices and their
   * own organisation's of the lines it takes (past, in force and agreed for later), to read. Anyone
   * else finds nothing.
   */
  seePrices(access: Access): PriceView {
    const view = priceViewOf(access);
    if (!view) throw notFound();
    return view;
  },

  canSeePrices(access: Access): boolean {
    return priceViewOf(access) !== undefined;
  },

  /**
   * Keeps this line. A line the caller cannot see is `unknown` (not found, unless the line was named
   * in a form, where it is that field's problem); a line seen but kept by others is forbidden.
   */
  manageLine(
    access,
    lineId,
    unknown = () => notFound(),
    message = 'Only service managers of that line change its catalogue',
  ) {
    if (!lineId || !access.lineIds.includes(lineId)) throw unknown();
    if (!access.managedLineIds.includes(lineId)) throw notYours(access, message);
  },

  /** Keeps calendars, the host's and its partners': service managers acting in the host. */
  keepCalendars(principal: Principal): void {
    if (!isHostServiceManager(principal)) throw forbidden('Only service managers change calendars');
  },

  /** Adds a service line, which they then keep: service managers acting in the host. */
  addServiceLine(principal: Principal): void {
    if (!isHostServiceManager(principal))
      throw forbidden('Only service managers of the host add service lines');
  },

  /** Opens a line's page (its teams and managers): the host's staff and platform administrators. */
  seeLinePage(principal, line) {
    if (!line || !(isPlatformAdmin(principal) || line.orgId === principal.org.orgId))
      throw notFound('That service line');
  },

  /** Changes who manages a line, and its teams: platform administrators and the line's own managers. */
  canKeepLinePeople(principal: Principal, line: { orgId: string; managerUserIds: string[] }): boolean {
    return (
      isPlatformAdmin(principal) ||
      (isHostServiceManager(principal) &&
        principal.org.orgId === line.orgId &&
        line.managerUserIds.includes(principal.userId))
    );
  },

  keepLinePeople(principal: Principal, line: { orgId: string; managerUserIds: string[] }): void {
    if (!cataloguePolicy.canKeepLinePeople(principal, line))
      throw forbidden("Only a platform administrator or one of the line's managers may do that");
  },
};
