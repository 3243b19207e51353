/**
 * The one way a request changes: lock it, check its version, let the use case decide, replay both
 * clocks over the whole history with the new events, write everything in one statement, audit —
 * all in one unit of work.
 */
import { scopeOf, type Caller, type Principal } from '../../../platform/auth/index.js';
import { inScope, type Tx } from '../../../platform/db/index.js';
import { DomainError, forbidden, notFound } from '../../../platform/errors.js';
import { checkTransition, type Actor } from '../../../kernel/request-states.js';
import { auditBy, recordAudit } from '../../audit/index.js';
import { replayClocks } from '../clocks/replay.js';
import { invalidTransition, staleVersion } from '../requests.errors.js';
import { visibility } from '../requests.policy.js';
import { requestsRepository as repo, type LockedRequest } from '../requests.repository.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { Priority, RequestEvent, RequestNote, RequestStatus, RequestWork } from '../request.js';
import { requestsMessages } from '../requests.messages.js';
import type { RequestView } from '../reading/request-view.js';
import { notifyChange } from '../notifications/notify.js';
import { usageOfStatusChange } from '../usage/charged-work.js';

export interface ChangeOptions {
  /** The version the caller last saw (If-Match): a request changed since is refused with ERR_STALE. */
  expectedVersion?: number | undefined;
}

/** What a use case decided to do to a request. */
export interface Decision {
  status?: RequestStatus;
  priority?: Priority;
  events?: RequestEvent[];
  notes?: RequestNote[];
  /** The host's new team and assignee. */
  work?: RequestWork;
  /** Words for full-text search (a public reply). */
  searchText?: string;
  audit: { action: string; before?: unknown; after?: unknown };
}

/** Nothing to do: the request is already as asked (an assignment to whoever has it, say). */
export const UNCHANGED = Symbol('unchanged');

export type Decide = (tx: Tx, locked: LockedRequest, now: Date) => Promise<Decision | typeof UNCHANGED>;

const statusName = (status: RequestStatus) => requestsMessages.statuses[status].toLowerCase();

/**
 * Checks a move with the status machine (src/kernel/request-states.ts): 409 when no one may make
 * it, 403 when someone else may.
 */
export function checkMove(from: RequestStatus, to: RequestStatus, actor: Actor): void {
  const check = checkTransition(from, to, actor);
  if (check.ok) return;
  if (check.refusal === 'impossible')
    throw invalidTransition(`A request that is ${statusName(from)} cannot become ${statusName(to)}`);
  throw forbidden(
    `Someone else decides whether a request that is ${statusName(from)} becomes ${statusName(to)}`,
  );
}

/** Refuses anything but notes and time on a request that is closed, rejected or withdrawn. */
export function refuseIfFinal(status: RequestStatus): void {
  if (status === 'closed' || status === 'rejected' || status === 'withdrawn')
    throw invalidTransition(`A request that is ${statusName(status)} cannot be changed`);
}

/** Refuses work on a request that is resolved or finished: reopen it first (pick-up, assign, move, priority). */
export function refuseUnlessActive(status: RequestStatus): void {
  refuseIfFinal(status);
  if (status === 'resolved')
    throw invalidTransition('A resolved request is not worked on unless it is reopened');
}

/** An event made by `principal` acting as `actor` (or by Tandem itself for `system`). */
export function eventBy(
  principal: Principal,
  actor: Actor,
  at: Date,
  event: Pick<RequestEvent, 'kind'> & Partial<Pick<RequestEvent, 'from' | 'to' | 'reason' | 'body'>>,
): RequestEvent {
  const staff = actor === 'agent';
  const partner = actor === 'requester' || actor === 'partner_manager';
  return {
    at,
    kind: event.kind,
    actorKind: actor,
    actorUserId: partner ? principal.userId : null,
    actorName: partner ? principal.name : null,
    staffUserId: staff ? principal.userId : null,
    from: event.from ?? null,
    to: event.to ?? null,
    reason: event.reason ?? null,
    body: event.body ?? null,
    byHost: staff,
  };
}

/** A change of status from where the request is, checked, made by `actor`. */
export function move(
  principal: Principal,
  actor: Actor,
  at: Date,
  from: RequestStatus,
  to: RequestStatus,
  words: { reason?: string | null; body?: string | null } = {},
): RequestEvent {
  checkMove(from, to, actor);
  return actor === 'system'
    ? { ...eventBy(principal, 'system', at, { kind: 'status', from, to, ...words }), byHost: false }
    : eventBy(principal, actor, at, { kind: 'status', from, to, ...words });
}

export function changing(
  deps: RequestsDeps,
  detailIn: (tx: Tx, caller: Caller, id: string) => Promise<RequestView>,
) {
  /**
   * Applies one use case's decision to the request `reference` names (its id or reference). The
   * caller's role was checked before; a request they may not see is not found.
   */
  async function change(
    caller: Caller,
    reference: string,
    options: ChangeOptions,
    decide: Decide,
  ): Promise<RequestView> {
    const { principal } = caller;
    const now = deps.now();
    return inScope(deps.db, scopeOf(principal), async (tx) => {
      const found = await repo.lockForChange(tx, visibility(principal), reference);
      if (found.length === 0) throw notFound('That request');
      if (found.length > 1)
        throw new DomainError(
          'ERR_AMBIGUOUS_REFERENCE',
          `More than one request has the reference ${reference}; name it by its id`,
          { ids: found.map((one) => one.record.id) },
        );
      const locked = found[0]!;
      if (options.expectedVersion !== undefined && options.expectedVersion !== locked.record.version)
        throw staleVersion();
      const decision = await decide(tx, locked, now);
      if (decision === UNCHANGED) return detailIn(tx, caller, locked.record.id);
      await applyDecision(tx, caller, locked, decision, now);
      return detailIn(tx, caller, locked.record.id);
    });
  }

  return { change };
}

/** Writes a decision: the new events and clocks, the request's columns and queue row, and the audit entry. */
export async function applyDecision(
  tx: Tx,
  caller: Caller | null,
  locked: LockedRequest,
  decision: Decision,
  now: Date,
): Promise<void> {
  const { record } = locked;
  const status = decision.status ?? record.status;
  const priority = decision.priority ?? record.priority;
  const events = decision.events ?? [];
  const all = [...locked.events, ...events];
  const { stored } = replayClocks(
    {
      sla: record.sla,
      bankHolidays: locked.bankHolidays,
      submittedAt: record.submittedAt,
      priority,
      events: all,
    },
    now,
  );
  const staff = events.find((event) => event.staffUserId)?.staffUserId ?? null;
  const host = caller === null || caller.principal.org.role === 'host';
  const version = await repo.writeChange(tx, {
    record,
    status,
    priority,
    // Resolved when it becomes resolved; no longer once reopened; closing keeps when it was resolved.
    resolvedAt:
      status === 'resolved' && record.status !== 'resolved'
        ? now
        : status === 'open'
          ? null
          : record.resolvedAt,
    closedAt: status === 'closed' ? (record.closedAt ?? now) : null,
    events,
    notes: decision.notes ?? [],
    staffUserId: staff,
    stored,
    work: host ? (decision.work ?? locked.work) : null,
    searchText: decision.searchText ?? null,
  });
  if (version === undefined) throw staleVersion();
  if (status !== record.status) await usageOfStatusChange(tx, caller, record, locked.events, status, now);
  const entry = {
    action: decision.audit.action,
    entityType: 'request',
    entityId: record.id,
    before: decision.audit.before,
    after: { reference: record.reference, ...(decision.audit.after as object | undefined) },
  };
  if (caller) await auditBy(tx, caller, { ...entry, orgId: caller.principal.org.orgId });
  // Tandem's own changes (closing after the reopening window) answer to the host.
  else await recordAudit(tx, { ...entry, actorUserId: null, orgId: record.hostOrgId });
  await notifyChange(tx, caller, locked, decision);
}
