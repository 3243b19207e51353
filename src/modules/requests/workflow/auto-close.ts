import { sql } from 'kysely';
import { inScope, type Database } from '../../../platform/db/index.js';
import { checkTransition } from '../../../kernel/request-states.js';
import { requestsRepository as repo } from '../requests.repository.js';
import { hostsScope } from '../requests.system.js';
import type { RequestEvent } from '../request.js';
import { applyDecision } from './change.js';
import { reopenDeadline } from './requester-side.js';

const BATCH = 100;
const DAY_MS = 86_400_000;

/** A request closed by Tandem once its reopening window passed. */
export interface AutoClosed {
  requestId: string;
  reference: string;
  orgId: string;
}

/**
 * Closes resolved requests whose requester neither confirmed nor reopened them within the working
 * days allowed (on each request's SLA calendar): each as a change by Tandem itself, with its event
 * and audit entry. A job calls it a few times a day.
 */
export async function closeConfirmedRequests(
  db: Database,
  now: Date,
  options: { reopenWorkingDays?: number } = {},
): Promise<AutoClosed[]> {
  const workingDays = options.reopenWorkingDays ?? 5;
  const scope = await hostsScope(db);
  // No deadline falls sooner than (working days − 1) whole days after resolution: a cheap first cut.
  const resolvedBefore = new Date(now.getTime() - Math.max(0, workingDays - 1) * DAY_MS);
  const closed: AutoClosed[] = [];
  const passedOver = new Set<string>();
  for (;;) {
    const batch = await inScope(db, scope, async (tx) => {
      const { rows } = await sql<{ id: string }>`
        select id from requests
         where status = 'resolved' and resolved_at <= ${resolvedBefore}::timestamptz
           and not (id = any(${[...passedOver]}::uuid[]))
         order by resolved_at limit ${BATCH}`.execute(tx);
      // Looked at once per run, whether closed now, not yet due, or locked by a change under way.
      for (const row of rows) passedOver.add(row.id);
      const locked = await repo.lockByIds(
        tx,
        rows.map((row) => row.id),
      );
      for (const request of locked) {
        const deadline = reopenDeadline(request, workingDays);
        if (request.record.status !== 'resolved' || !deadline || now <= deadline) continue;
        if (!checkTransition('resolved', 'closed', 'system').ok) continue;
        const event: RequestEvent = {
          at: now,
          kind: 'status',
          actorKind: 'system',
          actorUserId: null,
          actorName: null,
          staffUserId: null,
          from: 'resolved',
          to: 'closed',
          reason: `Not reopened within ${workingDays} working days`,
          body: null,
          byHost: false,
        };
        await applyDecision(
          tx,
          null,
          request,
          {
            status: 'closed',
            events: [event],
            audit: {
              action: 'request.close',
              before: { status: 'resolved' },
              after: { status: 'closed', by: 'tandem' },
            },
          },
          now,
        );
        closed.push({
          requestId: request.record.id,
          reference: request.record.reference,
          orgId: request.record.orgId,
        });
      }
      return rows.length;
    });
    if (batch < BATCH) return closed;
  }
}
