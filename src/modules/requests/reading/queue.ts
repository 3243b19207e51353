import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { readInScope } from '../../../platform/db/index.js';
import { inputOf } from '../../../platform/api/index.js';
import type { ClockState } from '../../../kernel/sla-clock.js';
import { requestsPolicy } from '../requests.policy.js';
import { QueueQuery } from '../requests.schemas.js';
import type { RequestsDeps } from '../requests.deps.js';
import { readingRepository as repo, type QueueFilter } from './reading.repository.js';
import { cursors, summaryOf, type Page, type RequestSummary } from './read.js';
import type { Named } from './request-view.js';

/** A request in the agents' queue. */
export interface QueueItem extends RequestSummary {
  slaState: ClockState;
  team: Named | null;
  assignee: Named | null;
}

/** The agents' queue: work still to do, soonest due first. */
export function queueReading(deps: RequestsDeps) {
  return {
    /**
     * A page of the host's queue, filtered by status, team (`mine`: the teams the caller is in;
     * `none`), partner, offering, priority, assignee (`me`, `none`), SLA state and text, sorted by
     * due time. Pages follow a cursor (due, id), never an offset.
     */
    queue: async (caller: Caller, given: unknown): Promise<Page<QueueItem>> => {
      const { principal } = caller;
      requestsPolicy.queue(principal);
      const query = inputOf(QueueQuery).read(given);
      const limit = query.limit ?? 25;
      const filter: QueueFilter = {
        hostOrgId: principal.org.orgId,
        status: query.status,
        team:
          query.team === undefined
            ? undefined
            : query.team === 'none'
              ? { kind: 'none' }
              : query.team === 'mine'
                ? { kind: 'mine', userId: principal.userId }
                : { kind: 'id', id: query.team.toLowerCase() },
        partnerCode: query.partner,
        offeringCode: query.offering,
        priority: query.priority,
        assignee:
          query.assignee === undefined
            ? undefined
            : query.assignee === 'none'
              ? { kind: 'none' }
              : { kind: 'id', id: query.assignee === 'me' ? principal.userId : query.assignee.toLowerCase() },
        sla: query.sla,
        text: query.q,
        after: cursors.decode(query.cursor),
        limit,
      };
      const rows = await readInScope(deps.db, scopeOf(principal), (tx) => repo.queue(tx, filter));
      const items = rows.slice(0, limit).map((row) => ({
        ...summaryOf(row),
        slaState: row.sla_state,
        team: row.team_id ? { id: row.team_id, name: row.team_name ?? '' } : null,
        assignee: row.assignee_user_id ? { id: row.assignee_user_id, name: row.assignee_name ?? '' } : null,
      }));
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return { items, nextCursor: last ? cursors.encode({ at: last.sort_due, id: last.id }) : null };
    },
  };
}
