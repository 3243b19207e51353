import { DomainError } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import type { Caller } from '../../../platform/auth/index.js';
import { closeOfWorkingDay } from '../../../kernel/working-time.js';
import { calendarOf } from '../clocks/sla-snapshot.js';
import { actorFor, requestsPolicy } from '../requests.policy.js';
import { OptionalReasonInput, ReasonInput } from '../requests.schemas.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { RequestView } from '../reading/request-view.js';
import type { LockedRequest } from '../requests.repository.js';
import { move, type ChangeOptions, type Decide } from './change.js';

type Change = (
  caller: Caller,
  reference: string,
  options: ChangeOptions,
  decide: Decide,
) => Promise<RequestView>;

/** When a resolved request stops taking a reopening: the close of the Nth working day after it was resolved. */
export function reopenDeadline(locked: LockedRequest, workingDays: number): Date | null {
  const { resolvedAt, sla } = locked.record;
  if (!resolvedAt) return null;
  return closeOfWorkingDay(calendarOf(sla.calendar, locked.bankHolidays), resolvedAt, workingDays);
}

/** What the requesting organisation does: approve or reject, withdraw, confirm, reopen. */
export function requesterSide(deps: RequestsDeps, change: Change) {
  return {
    /** A partner manager approves a request awaiting approval: it opens. */
    async approve(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.approve(caller.principal);
      const { reason } = inputOf(OptionalReasonInput).read(given ?? {});
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'open',
        events: [move(caller.principal, 'partner_manager', now, record.status, 'open', { reason })],
        audit: {
          action: 'request.approve',
          before: { status: record.status },
          after: { status: 'open', reason },
        },
      }));
    },

    /** A partner manager rejects a request awaiting approval, saying why. */
    async reject(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.approve(caller.principal);
      const { reason } = inputOf(ReasonInput).read(given);
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'rejected',
        events: [move(caller.principal, 'partner_manager', now, record.status, 'rejected', { reason })],
        audit: {
          action: 'request.reject',
          before: { status: record.status },
          after: { status: 'rejected', reason },
        },
      }));
    },

    /** The requester (or their manager) withdraws a request the service centre has not started. */
    async withdraw(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.actAsRequester(caller.principal);
      const { reason } = inputOf(OptionalReasonInput).read(given ?? {});
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'withdrawn',
        events: [
          move(caller.principal, actorFor(caller.principal, record), now, record.status, 'withdrawn', {
            reason,
          }),
        ],
        audit: {
          action: 'request.withdraw',
          before: { status: record.status },
          after: { status: 'withdrawn', reason },
        },
      }));
    },

    /** The requester confirms that a resolved request is done: it closes. */
    async confirm(caller: Caller, reference: string, options: ChangeOptions = {}) {
      requestsPolicy.actAsRequester(caller.principal);
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'closed',
        events: [move(caller.principal, actorFor(caller.principal, record), now, record.status, 'closed')],
        audit: { action: 'request.confirm', before: { status: record.status }, after: { status: 'closed' } },
      }));
    },

    /**
     * The requester reopens a resolved request within the configured working days of its
     * resolution, saying what is still wrong: it goes back to open and its clocks carry on.
     */
    async reopen(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.actAsRequester(caller.principal);
      const { reason } = inputOf(ReasonInput).read(given);
      return change(caller, reference, options, async (_tx, locked, now) => {
        const { record } = locked;
        const event = move(caller.principal, actorFor(caller.principal, record), now, record.status, 'open', {
          reason,
        });
        const deadline = reopenDeadline(locked, deps.reopenWorkingDays);
        if (deadline && now > deadline) {
          throw new DomainError(
            'ERR_REOPEN_WINDOW_CLOSED',
            `A resolved request can be reopened for ${deps.reopenWorkingDays} working days; this one could be until ${deadline.toISOString()}`,
            { deadline: deadline.toISOString() },
          );
        }
        return {
          status: 'open',
          events: [event],
          audit: {
            action: 'request.reopen',
            before: { status: record.status },
            after: { status: 'open', reason },
          },
        };
      });
    },
  };
}
