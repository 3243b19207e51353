import type { Scope } from '../db/index.js';

export const ROLES = [
  'requester',
  'partner_manager',
  'agent',
  'team_lead',
  'service_manager',
  'finance_officer',
  'executive',
  'platform_administrator',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Roles that act for the shared service centre, held only in the host organisation: given in a
 * partner they would reach past it (a platform administrator reads every organisation). The
 * database refuses them too (migration 0011).
 */
export const HOST_ONLY_ROLES: readonly Role[] = [
  'platform_administrator',
  'service_manager',
  'agent',
  'team_lead',
  'finance_officer',
  'executive',
];

export function isHostOnlyRole(role: Role): boolean {
  return HOST_ONLY_ROLES.includes(role);
}

export interface MembershipSummary {
  orgId: string;
  code: string;
  name: string;
  role: 'host' | 'partner';
  roles: Role[];
}

/** The signed-in person acting in one organisation, as every handler and service sees them. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  /** The organisation the person is acting in now. */
  org: MembershipSummary;
  /** Every organisation the person has roles in, for the organisation switcher. */
  memberships: MembershipSummary[];
  via: 'session' | 'token';
  /** The hash of the session's secret, when signed in through the web. */
  sessionHash?: string;
}

/** Who is asking, and the request they are asking in (for the audit log): what every use case takes. */
export interface Caller {
  principal: Principal;
  requestId?: string;
}

export function hasRole(principal: Principal, ...roles: Role[]): boolean {
  return roles.some((role) => principal.org.roles.includes(role));
}

export function isPlatformAdmin(principal: Principal): boolean {
  return hasRole(principal, 'platform_administrator');
}

/** What row level security lets this person see: their current organisation only. */
export function scopeOf(principal: Principal): Scope {
  return {
    userId: principal.userId,
    orgIds: [principal.org.orgId],
    platformAdmin: isPlatformAdmin(principal),
  };
}
