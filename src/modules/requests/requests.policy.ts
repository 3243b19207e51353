/**
 * Who may do what with requests: one named check per use case, each called first. A check of the
 * person's roles answers 403; whether they may see a particular request is decided where it is
 * read (`visibility`), and a request they may not see is not found, exactly as one that does not exist.
 */
import { hasRole, type Principal, type Role } from '../../platform/auth/index.js';
import { forbidden } from '../../platform/errors.js';
import type { Actor } from '../../kernel/request-states.js';
import type { RequestRecord } from './request.js';

const PARTNER_ROLES: Role[] = ['requester', 'partner_manager'];
/** The host's people who may read requests made to it. */
const HOST_READERS: Role[] = ['agent', 'team_lead', 'service_manager', 'platform_administrator'];
/** The host's people who work requests. */
const WORKERS: Role[] = ['agent', 'team_lead'];

const isHost = (principal: Principal) => principal.org.role === 'host';

/** Which requests a person sees: a host's staff all made to it, a partner manager their organisation's, a requester their own. */
export type Visibility =
  | { kind: 'host'; hostOrgId: string }
  | { kind: 'organisation'; orgId: string }
  | { kind: 'own'; orgId: string; userId: string };

export function visibility(principal: Principal): Visibility {
  if (isHost(principal)) return { kind: 'host', hostOrgId: principal.org.orgId };
  if (hasRole(principal, 'partner_manager')) return { kind: 'organisation', orgId: principal.org.orgId };
  return { kind: 'own', orgId: principal.org.orgId, userId: principal.userId };
}

/** Whether the service centre's side of a request (team, assignee, notes, time) is shown. */
export function seesInternal(principal: Principal): boolean {
  return isHost(principal) && hasRole(principal, ...HOST_READERS);
}

/** The actor a person is for the status machine when they act on a request. */
export function actorFor(principal: Principal, request?: Pick<RequestRecord, 'requesterUserId'>): Actor {
  if (isHost(principal)) return 'agent';
  if (request && request.requesterUserId === principal.userId) return 'requester';
  return hasRole(principal, 'partner_manager') ? 'partner_manager' : 'requester';
}

export const requestsPolicy = {
  /** Read requests: partners' requesters and managers, and the host's staff who handle or oversee them. */
  read(principal: Principal): void {
    const allowed = isHost(principal)
      ? hasRole(principal, ...HOST_READERS)
      : hasRole(principal, ...PARTNER_ROLES);
    if (!allowed) throw forbidden('You cannot see requests in this organisation');
  },

  /** Raise a request: a requester or partner manager of an organisation that takes services. */
  raise(principal: Principal): void {
    if (isHost(principal) || !hasRole(principal, ...PARTNER_ROLES))
      throw forbidden('Only requesters and partner managers of a partner raise requests');
  },

  /** Act as the requester's side: reply, confirm, reopen, withdraw. */
  actAsRequester(principal: Principal): void {
    if (isHost(principal) || !hasRole(principal, ...PARTNER_ROLES))
      throw forbidden('Only the requester’s organisation does that');
  },

  /** Approve or reject: a partner manager of the requesting organisation. */
  approve(principal: Principal): void {
    if (isHost(principal) || !hasRole(principal, 'partner_manager'))
      throw forbidden('Only partner managers approve or reject requests');
  },

  /** Work a request: pick up, move, change priority, reply, note, pause, resume, resolve, record time. */
  work(principal: Principal): void {
    if (!isHost(principal) || !hasRole(principal, ...WORKERS))
      throw forbidden('Only the service centre’s agents and team leads work requests');
  },

  /** See the agents' queue. */
  queue(principal: Principal): void {
    requestsPolicy.work(principal);
  },

  /** Assign a request to someone: agents to themselves, team leads to anyone in a team they lead. */
  assign(principal: Principal, assigneeUserId: string | null): void {
    requestsPolicy.work(principal);
    if (!hasRole(principal, 'team_lead') && assigneeUserId !== null && assigneeUserId !== principal.userId)
      throw forbidden('Agents may assign requests only to themselves');
  },

  /**
   * Import requests: a platform administrator, or a service manager (who may then import only into
   * the lines they keep, checked once the file's offerings are known).
   */
  import(principal: Principal): void {
    if (!isHost(principal) || !hasRole(principal, 'platform_administrator', 'service_manager'))
      throw forbidden('Only platform administrators and service managers import requests');
  },
};
