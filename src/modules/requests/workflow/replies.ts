import type { Caller } from '../../../platform/auth/index.js';
import { forbidden } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { actorFor, requestsPolicy } from '../requests.policy.js';
import { ReplyInput } from '../requests.schemas.js';
import type { RequestView } from '../reading/request-view.js';
import type { RequestEvent, RequestStatus } from '../request.js';
import { eventBy, move, refuseIfFinal, type ChangeOptions, type Decide } from './change.js';

type Change = (
  caller: Caller,
  reference: string,
  options: ChangeOptions,
  decide: Decide,
) => Promise<RequestView>;

/** Public replies, from either side. */
export function replies(change: Change) {
  return {
    /**
     * A public reply. From the service centre it stops the response clock, and with
     * `awaitRequester` the request waits for the requester (an open one is in progress first).
     * From the requester's side it answers: a request waiting for the requester is in progress again.
     */
    async reply(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      const { principal } = caller;
      const host = principal.org.role === 'host';
      if (host) requestsPolicy.work(principal);
      else requestsPolicy.actAsRequester(principal);
      const { body, awaitRequester } = inputOf(ReplyInput).read(given);
      if (awaitRequester && !host)
        throw forbidden('Only the service centre asks the requester for information');
      return change(caller, reference, options, async (_tx, { record }, now) => {
        refuseIfFinal(record.status);
        const actor = actorFor(principal, record);
        const events: RequestEvent[] = [eventBy(principal, actor, now, { kind: 'reply', body })];
        let status: RequestStatus = record.status;
        if (host && awaitRequester && status !== 'awaiting_requester') {
          if (status === 'open') {
            events.push(move(principal, 'agent', now, status, 'in_progress'));
            status = 'in_progress';
          }
          events.push(move(principal, 'agent', now, status, 'awaiting_requester'));
          status = 'awaiting_requester';
        }
        if (!host && status === 'awaiting_requester') {
          events.push(move(principal, 'system', now, status, 'in_progress'));
          status = 'in_progress';
        }
        return {
          status,
          events,
          searchText: body,
          audit: {
            action: 'request.reply',
            before: { status: record.status },
            after: { status, length: body.length, awaitRequester },
          },
        };
      });
    },
  };
}
