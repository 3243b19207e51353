import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { readInScope, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound } from '../../../platform/errors.js';
import { replayClocks } from '../clocks/replay.js';
import { requestsPolicy, seesInternal, visibility } from '../requests.policy.js';
import { eventOf, recordOf } from '../requests.repository.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { ClockState } from '../../../kernel/sla-clock.js';
import type { Priority, RequestStatus } from '../request.js';
import { nextActions } from '../workflow/next-actions.js';
import {
  readingRepository as repo,
  type DetailRow,
  type Position,
  type SummaryRow,
} from './reading.repository.js';
import { viewOf, type InternalView, type RequestView } from './request-view.js';
import { queueReading } from './queue.js';

/** A request in a list: what a row of a table shows. */
export interface RequestSummary {
  id: string;
  reference: string;
  subject: string;
  status: RequestStatus;
  priority: Priority;
  submittedAt: Date;
  organisation: { code: string; name: string } | null;
  offering: { code: string; name: string };
  requesterName: string | null;
  /** As last stored (kept right by the clock job), not read afresh. */
  responseState: ClockState;
  resolutionState: ClockState;
  due: Date | null;
  version: number;
}

export interface Page<T> {
  items: T[];
  /** Give it back as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** A keyset position as an opaque cursor, and back. */
export const cursors = {
  encode(position: Position): string {
    return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
  },
  decode(cursor: string | undefined): Position | undefined {
    if (!cursor) return undefined;
    try {
      const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
      if (typeof at === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && at.length <= 40)
        if (at === 'infinity' || !Number.isNaN(new Date(at).getTime())) return { at, id };
    } catch {
      // Answered below.
    }
    throw new DomainError('ERR_VALIDATION', 'That cursor is not one this list gave', {
      fields: { cursor: 'is not valid' },
    });
  },
};

export function summaryOf(row: SummaryRow): RequestSummary {
  return {
    id: row.id,
    reference: row.reference,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    submittedAt: row.submitted_at,
    organisation: row.org_code ? { code: row.org_code, name: row.org_name ?? row.org_code } : null,
    offering: { code: row.catalogue_entry.offeringCode, name: row.catalogue_entry.offeringName },
    requesterName: row.requester_name,
    responseState: row.response_state,
    resolutionState: row.resolution_state,
    due: row.due_at,
    version: row.version,
  };
}

/** Reading requests: one, a list, and the agents' queue. Each read is one statement. */
export function reading(deps: RequestsDeps) {
  const { db } = deps;

  /** The view of one detail row, its clocks read at `now`. */
  const present = (caller: Caller, row: DetailRow, now: Date): RequestView => {
    const record = recordOf(row);
    const events = row.events.map(eventOf);
    const { readings } = replayClocks(
      {
        sla: record.sla,
        bankHolidays: row.bank_holidays,
        submittedAt: record.submittedAt,
        priority: record.priority,
        events,
      },
      now,
    );
    const people = row.people ?? {};
    const named = (id: string | null | undefined) => (id ? { id, name: people[id] ?? '' } : null);
    let internal: InternalView | undefined;
    if (seesInternal(caller.principal) && row.notes && row.time_entries) {
      const teams = row.teams ?? {};
      const timeEntries = row.time_entries.map((entry) => ({
        id: entry.id,
        user: { id: entry.userId, name: people[entry.userId] ?? '' },
        minutes: entry.minutes,
        activity: entry.activity,
        workedOn: entry.workedOn,
        reversesId: entry.reversesId,
        recordedAt: new Date(entry.recordedAt),
      }));
      internal = {
        team: row.team_id ? { id: row.team_id, name: row.team_name ?? '' } : null,
        assignee: named(row.assignee_user_id),
        notes: row.notes.map((note) => ({
          id: note.id,
          at: new Date(note.at),
          kind: note.kind,
          actor: named(note.actorUserId),
          // Assignments and moves name people and teams by id; the view names them.
          from:
            note.kind === 'team'
              ? note.from
                ? (teams[note.from] ?? note.from)
                : null
              : note.kind === 'assignment' && note.from
                ? (people[note.from] ?? note.from)
                : note.from,
          to:
            note.kind === 'team'
              ? note.to
                ? (teams[note.to] ?? note.to)
                : null
              : note.kind === 'assignment' && note.to
                ? (people[note.to] ?? note.to)
                : note.to,
          body: note.body,
        })),
        timeEntries,
        minutesRecorded: timeEntries.reduce((sum, entry) => sum + entry.minutes, 0),
      };
    }
    const work = seesInternal(caller.principal)
      ? { teamId: row.team_id ?? null, assigneeUserId: row.assignee_user_id ?? null }
      : null;
    return viewOf({
      record,
      organisation: row.org_code ? { code: row.org_code, name: row.org_name ?? row.org_code } : null,
      events,
      readings,
      people,
      ...(internal ? { internal } : {}),
      actions: nextActions(caller.principal, record, work),
    });
  };

  /** The one row a reference names for the caller; 404 when none (or not theirs), 409 when ambiguous. */
  const single = (rows: DetailRow[], reference: string): DetailRow => {
    if (rows.length === 0) throw notFound('That request');
    if (rows.length > 1) {
      throw new DomainError(
        'ERR_AMBIGUOUS_REFERENCE',
        `More than one request has the reference ${reference}; name it by its id`,
        { ids: rows.map((row) => row.id) },
      );
    }
    return rows[0]!;
  };

  /** One request inside a unit of work already open (after a change, or an idempotent retry). */
  const detailIn = async (tx: Tx, caller: Caller, reference: string): Promise<RequestView> =>
    present(
      caller,
      single(await repo.detail(tx, visibility(caller.principal), reference), reference),
      deps.now(),
    );

  return {
    detailIn,

    /**
     * A request by reference (or id) with its timeline and both clocks read now; for the service
     * centre, also who works it, notes and time. Another partner's request is not found.
     */
    get: async (caller: Caller, reference: string): Promise<RequestView> => {
      requestsPolicy.read(caller.principal);
      const rows = await readInScope(db, scopeOf(caller.principal), (tx) =>
        repo.detail(tx, visibility(caller.principal), reference),
      );
      return present(caller, single(rows, reference), deps.now());
    },

    /** The caller's requests, newest first: a requester's own, a partner manager's organisation's, all for the host. */
    list: async (
      caller: Caller,
      query: {
        status?: string | undefined;
        q?: string | undefined;
        cursor?: string | undefined;
        limit?: number | undefined;
      },
    ): Promise<Page<RequestSummary>> => {
      requestsPolicy.read(caller.principal);
      const limit = query.limit ?? 25;
      const rows = await readInScope(db, scopeOf(caller.principal), (tx) =>
        repo.list(tx, visibility(caller.principal), {
          status: query.status,
          text: query.q,
          after: cursors.decode(query.cursor),
          limit,
        }),
      );
      const items = rows.slice(0, limit).map(summaryOf);
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return {
        items,
        nextCursor: last ? cursors.encode({ at: last.submitted_at.toISOString(), id: last.id }) : null,
      };
    },

    ...queueReading(deps),
  };
}
