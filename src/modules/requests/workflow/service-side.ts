import { hasRole, type Caller } from '../../../platform/auth/index.js';
import { forbidden, validationFailed } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import type { Tx } from '../../../platform/db/index.js';
import { requestsPolicy } from '../requests.policy.js';
import {
  AssignInput,
  ChangePriorityInput,
  MoveInput,
  NoteInput,
  OptionalReasonInput,
  PauseInput,
  ResolveInput,
} from '../requests.schemas.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { RequestView } from '../reading/request-view.js';
import type { LockedRequest } from '../requests.repository.js';
import type { Priority, RequestNote, RequestWork, WaitingStatus } from '../request.js';
import {
  eventBy,
  move,
  refuseUnlessActive,
  UNCHANGED,
  type ChangeOptions,
  type Decide,
  type Decision,
} from './change.js';
import { teamsRepository as teams } from './teams.repository.js';

type Change = (
  caller: Caller,
  reference: string,
  options: ChangeOptions,
  decide: Decide,
) => Promise<RequestView>;
const E = (key: string) => `requests.errors.${key}`;

/** The internal notes that record a change of team and of assignee. */
function workNotes(caller: Caller, at: Date, before: RequestWork, after: RequestWork): RequestNote[] {
  const notes: RequestNote[] = [];
  const actorUserId = caller.principal.userId;
  if (before.teamId !== after.teamId)
    notes.push({ at, kind: 'team', actorUserId, from: before.teamId, to: after.teamId, body: null });
  if (before.assigneeUserId !== after.assigneeUserId)
    notes.push({
      at,
      kind: 'assignment',
      actorUserId,
      from: before.assigneeUserId,
      to: after.assigneeUserId,
      body: null,
    });
  return notes;
}

/**
 * Who works the request after an assignment: the assignee must be one of the service centre's
 * agents or team leads; a team lead giving it to someone else must lead a team of the request's
 * line that person is in, and the request goes to that team (the one given, or the first they share).
 */
async function assignment(
  tx: Tx,
  caller: Caller,
  locked: LockedRequest,
  assignee: string | null,
  team: string | null,
): Promise<RequestWork> {
  const { principal } = caller;
  const { record, work } = locked;
  const lead = hasRole(principal, 'team_lead');
  if (team !== null && !(await teams.isTeamOfLine(tx, record.serviceLineId, team)))
    throw validationFailed({ team: E('teamUnknown') });
  const teamId = team ?? work.teamId;
  if (assignee === null) {
    if (!lead && work.assigneeUserId !== null && work.assigneeUserId !== principal.userId)
      throw forbidden('Agents may take only themselves off a request');
    return { teamId, assigneeUserId: null };
  }
  if (!(await teams.isWorker(tx, record.hostOrgId, assignee)))
    throw validationFailed({ assignee: E('assigneeUnknown') });
  if (assignee === principal.userId || !lead) return { teamId, assigneeUserId: assignee };
  const members = await teams.memberships(tx, record.serviceLineId, [principal.userId, assignee]);
  const led = members.filter((m) => m.userId === principal.userId && m.role === 'lead').map((m) => m.teamId);
  const shared = members.filter((m) => m.userId === assignee && led.includes(m.teamId)).map((m) => m.teamId);
  if (teamId !== null && shared.includes(teamId)) return { teamId, assigneeUserId: assignee };
  if (team === null && shared.length > 0) return { teamId: shared[0]!, assigneeUserId: assignee };
  throw validationFailed({ assignee: E('assigneeNotInTeam') });
}

/** What the service centre does to a request. Every use case opens with `requestsPolicy.work` (or `assign`). */
export function serviceSide(_deps: RequestsDeps, change: Change) {
  return {
    /** An agent takes a request: it is assigned to them, and an open request is now in progress. */
    async pickUp(caller: Caller, reference: string, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      return change(
        caller,
        reference,
        options,
        async (_tx, locked, now): Promise<Decision | typeof UNCHANGED> => {
          const { record, work } = locked;
          refuseUnlessActive(record.status);
          const after = { teamId: work.teamId, assigneeUserId: caller.principal.userId };
          const starts = record.status === 'open';
          if (!starts && work.assigneeUserId === after.assigneeUserId) return UNCHANGED;
          return {
            ...(starts
              ? {
                  status: 'in_progress',
                  events: [move(caller.principal, 'agent', now, 'open', 'in_progress')],
                }
              : {}),
            work: after,
            notes: workNotes(caller, now, work, after),
            audit: {
              action: 'request.pick-up',
              before: { ...work, status: record.status },
              after: { ...after },
            },
          };
        },
      );
    },

    /** Assigns a request: an agent to themselves, a team lead to anyone in a team they lead (null: to no one). */
    assign: async (caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) => {
      const input = inputOf(AssignInput).read(given);
      const assignee = input.assignee?.toLowerCase() ?? null;
      requestsPolicy.assign(caller.principal, assignee);
      return change(caller, reference, options, async (tx, locked, now) => {
        refuseUnlessActive(locked.record.status);
        const after = await assignment(tx, caller, locked, assignee, input.team?.toLowerCase() ?? null);
        const notes = workNotes(caller, now, locked.work, after);
        if (notes.length === 0) return UNCHANGED;
        return { work: after, notes, audit: { action: 'request.assign', before: locked.work, after } };
      });
    },

    /** Moves a request to another team of its line; its assignee stays only if they are in that team. */
    moveTeam: async (caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) => {
      requestsPolicy.work(caller.principal);
      const team = inputOf(MoveInput).read(given).team.toLowerCase();
      return change(caller, reference, options, async (tx, locked, now) => {
        refuseUnlessActive(locked.record.status);
        if (!(await teams.isTeamOfLine(tx, locked.record.serviceLineId, team)))
          throw validationFailed({ team: E('teamUnknown') });
        if (locked.work.teamId === team) return UNCHANGED;
        const assignee = locked.work.assigneeUserId;
        const stays =
          assignee !== null &&
          (await teams.memberships(tx, locked.record.serviceLineId, [assignee])).some(
            (m) => m.teamId === team,
          );
        const after = { teamId: team, assigneeUserId: stays ? assignee : null };
        return {
          work: after,
          notes: workNotes(caller, now, locked.work, after),
          audit: { action: 'request.move', before: locked.work, after },
        };
      });
    },

    /** Changes the priority, saying why; the clocks take the new targets from submission on. */
    async changePriority(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      const input = inputOf(ChangePriorityInput).read(given);
      const priority = input.priority as Priority;
      return change(caller, reference, options, async (_tx, { record }, now) => {
        refuseUnlessActive(record.status);
        if (record.priority === priority) throw validationFailed({ priority: E('samePriority') });
        return {
          priority,
          events: [
            eventBy(caller.principal, 'agent', now, {
              kind: 'priority',
              from: record.priority,
              to: priority,
              reason: input.reason,
            }),
          ],
          audit: {
            action: 'request.priority',
            before: { priority: record.priority },
            after: { priority, reason: input.reason },
          },
        };
      });
    },

    /** Puts a request in progress on hold, waiting for the requester, a third party, or anything else, saying why. */
    async pause(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      const input = inputOf(PauseInput).read(given);
      const status = input.status as WaitingStatus;
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status,
        events: [move(caller.principal, 'agent', now, record.status, status, { reason: input.reason })],
        audit: {
          action: 'request.pause',
          before: { status: record.status },
          after: { status, reason: input.reason },
        },
      }));
    },

    /** Takes a waiting request back into progress. */
    async resume(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      const { reason } = inputOf(OptionalReasonInput).read(given ?? {});
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'in_progress',
        events: [move(caller.principal, 'agent', now, record.status, 'in_progress', { reason })],
        audit: {
          action: 'request.resume',
          before: { status: record.status },
          after: { status: 'in_progress', reason },
        },
      }));
    },

    /** Resolves a request with a note the requester reads; its resolution clock stops. */
    async resolve(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      const { note } = inputOf(ResolveInput).read(given);
      return change(caller, reference, options, async (_tx, { record }, now) => ({
        status: 'resolved',
        events: [move(caller.principal, 'agent', now, record.status, 'resolved', { body: note })],
        searchText: note,
        audit: {
          action: 'request.resolve',
          before: { status: record.status },
          after: { status: 'resolved' },
        },
      }));
    },

    /** An internal note: the service centre's alone, never shown to the partner. */
    async addNote(caller: Caller, reference: string, given: unknown, options: ChangeOptions = {}) {
      requestsPolicy.work(caller.principal);
      const { body } = inputOf(NoteInput).read(given);
      return change(caller, reference, options, async (_tx, _locked, now) => ({
        notes: [{ at: now, kind: 'note', actorUserId: caller.principal.userId, from: null, to: null, body }],
        audit: { action: 'request.note', after: { length: body.length } },
      }));
    },
  };
}
