/**
 * Work that is charged for, reported to metering in the unit of work that does it: a request of a
 * per-request offering when it is resolved (and taken back when it is reopened), and each time entry
 * on a request of a per-hour offering (and its reversal). Usage is never updated: undoing makes an
 * event of the opposite sign that names the one it takes back, so a statement already issued keeps
 * its explanation and the next run nets the two.
 *
 * Keys, unique per organisation and source, make a retried change record nothing twice:
 * `request:{id}:completed:{n}` for the n-th resolution, `request:{id}:reopened:{n}` for its reversal,
 * `time:{entry id}` for a time entry and for the entry that reverses it.
 */
import { sql } from 'kysely';
import type { Caller } from '../../../platform/auth/index.js';
import type { Tx } from '../../../platform/db/index.js';
import { instantAtWallClock } from '../../../kernel/wall-clock.js';
import { recordUsage, thousandthsOfHours } from '../../metering/index.js';
import type { RequestEvent, RequestRecord, RequestStatus } from '../request.js';

/** The unit an offering is charged in decides which work makes usage. */
async function offeringUnit(tx: Tx, offeringId: string): Promise<string | undefined> {
  const { rows } = await sql<{ unit: string }>`select unit from offerings where id = ${offeringId}`.execute(
    tx,
  );
  return rows[0]?.unit;
}

/**
 * Whether usage was recorded under a key: work done before charging was switched on (or imported
 * history) has none, and a reversal of nothing would be refused.
 */
async function recorded(tx: Tx, orgId: string, source: 'request' | 'time', key: string): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from usage_keys where org_id = ${orgId} and source = ${source} and key = ${key}) as found`.execute(
    tx,
  );
  return rows[0]!.found;
}

/** How many times the history resolved the request. */
function resolutions(events: readonly RequestEvent[]): number {
  return events.filter((event) => event.kind === 'status' && event.to === 'resolved').length;
}

/**
 * Records (or takes back) the usage of a change of status: called by the one place a request
 * changes, after the change is written. `history` is the request's events before this change.
 */
export async function usageOfStatusChange(
  tx: Tx,
  caller: Caller | null,
  record: RequestRecord,
  history: readonly RequestEvent[],
  to: RequestStatus,
  at: Date,
): Promise<void> {
  const from = record.status;
  const completed = to === 'resolved' && from !== 'resolved';
  const reopened = from === 'resolved' && to !== 'resolved' && to !== 'closed';
  if (!completed && !reopened) return;
  if ((await offeringUnit(tx, record.offeringId)) !== 'request') return;
  const done = resolutions(history);
  const completion = (n: number) => `request:${record.id}:completed:${n}`;
  if (reopened && !(await recorded(tx, record.orgId, 'request', completion(done)))) return;
  const common = {
    orgId: record.orgId,
    offeringId: record.offeringId,
    occurredAt: at,
    source: 'request' as const,
    requestId: record.id,
    requestReference: record.reference,
  };
  await recordUsage(
    tx,
    caller ?? 'system',
    completed
      ? [{ ...common, quantity: 1000n, key: completion(done + 1) }]
      : [
          {
            ...common,
            quantity: -1000n,
            key: `request:${record.id}:reopened:${done}`,
            reverses: completion(done),
            note: 'Reopened after it was resolved',
          },
        ],
  );
}

/** The request a time entry is on, as usage needs it. */
export interface TimedRequest {
  id: string;
  reference: string;
  org_id: string;
  offering_id: string;
}

/** Records the usage of a time entry (or of its reversal) on a request of a per-hour offering. */
export async function usageOfTime(
  tx: Tx,
  caller: Caller,
  request: TimedRequest,
  entry: { id: string; minutes: number; workedOn: string; reversesId: string | null },
): Promise<void> {
  if ((await offeringUnit(tx, request.offering_id)) !== 'hour') return;
  // The day worked decides the period and the price; midday in England is on that day whatever the season.
  const noon = instantAtWallClock(entry.workedOn, 12, 0);
  if (noon.kind !== 'instant') throw new Error(`no midday on ${entry.workedOn}`);
  const reverses = entry.reversesId ? `time:${entry.reversesId}` : null;
  if (reverses && !(await recorded(tx, request.org_id, 'time', reverses))) return;
  await recordUsage(tx, caller, [
    {
      orgId: request.org_id,
      offeringId: request.offering_id,
      quantity: thousandthsOfHours(entry.minutes),
      occurredAt: noon.instant,
      source: 'time',
      key: `time:${entry.id}`,
      requestId: request.id,
      requestReference: request.reference,
      reverses,
    },
  ]);
}
