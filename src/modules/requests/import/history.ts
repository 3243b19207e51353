/**
 * A request built whole from its history, as imports and seeded data make them: every status move
 * checked with the status machine, in order, and the clocks replayed over it, so that a request made
 * this way is exactly one that had lived that life in Tandem.
 */
import { checkTransition, type Actor } from '../../../kernel/request-states.js';
import { replayClocks } from '../clocks/replay.js';
import type { StoredClocks } from '../clocks/stored.js';
import type { OfferingForRequest } from '../catalogue-port.js';
import type {
  Priority,
  RequestEvent,
  RequestNote,
  RequestRecord,
  RequestStatus,
  RequestWork,
} from '../request.js';

/** One step of a history. `actor: 'any'` takes the first who may make the move: agent, partner manager, requester, Tandem. */
export type Step =
  | {
      at: Date;
      type: 'status';
      to: RequestStatus;
      actor: Actor | 'any';
      /** Counts as the service centre's for the response clock (every imported status change does). */
      byHost?: boolean;
      reason?: string | null;
      body?: string | null;
      staffUserId?: string | null;
      /** The partner's person who made it, when not the requester (a partner manager approving). */
      person?: { userId: string | null; name: string };
    }
  | { at: Date; type: 'priority'; to: Priority; reason?: string | null; staffUserId?: string | null }
  | { at: Date; type: 'reply'; byHost: boolean; body: string | null; staffUserId?: string | null }
  | { at: Date; type: 'note'; body: string; staffUserId: string }
  | { at: Date; type: 'work'; teamId: string | null; assigneeUserId: string | null; staffUserId: string };

export interface HistorySpec {
  id: string;
  orgId: string;
  reference: string;
  offering: OfferingForRequest;
  requester: { userId: string | null; name: string; email: string | null; actor: Actor } | null;
  subject: string;
  answers: Record<string, unknown>;
  /** The priority at submission. */
  priority: Priority;
  submittedAt: Date;
  steps: readonly Step[];
}

/** A request ready to be written, with its whole history and its clocks as of `now`. */
export interface BuiltRequest {
  record: RequestRecord;
  events: RequestEvent[];
  notes: RequestNote[];
  work: RequestWork;
  stored: StoredClocks;
  searchText: string;
}

/** A problem with one step, by its index in `steps`. */
export interface StepProblem {
  step: number;
  field: 'to' | 'at';
  message: string;
}

const CANDIDATES: readonly Actor[] = ['agent', 'partner_manager', 'requester', 'system'];

/** The request `spec` describes, or the problems of its steps (impossible moves, time going backwards). */
export function buildHistory(
  spec: HistorySpec,
  now: Date,
): { built: BuiltRequest } | { problems: StepProblem[] } {
  const problems: StepProblem[] = [];
  const requester = spec.requester;
  const events: RequestEvent[] = [
    {
      at: spec.submittedAt,
      kind: 'submitted',
      actorKind: requester?.actor ?? 'requester',
      actorUserId: requester?.userId ?? null,
      actorName: requester?.name ?? null,
      staffUserId: null,
      from: null,
      to: 'submitted',
      reason: null,
      body: null,
      byHost: false,
    },
  ];
  const notes: RequestNote[] = [];
  const work: RequestWork = { teamId: null, assigneeUserId: null };
  let status: RequestStatus = 'submitted';
  let priority = spec.priority;
  let resolvedAt: Date | null = null;
  let closedAt: Date | null = null;
  let last = spec.submittedAt;
  const texts = [spec.subject];
  const partnerActor = (actor: Actor) => actor === 'requester' || actor === 'partner_manager';

  spec.steps.forEach((step, index) => {
    if (step.at < last) {
      problems.push({
        step: index,
        field: 'at',
        message: 'is before the step before it (or the submission)',
      });
      return;
    }
    if (step.at > now) {
      problems.push({ step: index, field: 'at', message: 'is in the future' });
      return;
    }
    last = step.at;
    const staffUserId = 'staffUserId' in step ? (step.staffUserId ?? null) : null;
    switch (step.type) {
      case 'status': {
        const actor =
          step.actor === 'any'
            ? CANDIDATES.find((candidate) => checkTransition(status, step.to, candidate).ok)
            : checkTransition(status, step.to, step.actor).ok
              ? step.actor
              : undefined;
        if (!actor) {
          problems.push({
            step: index,
            field: 'to',
            message: `a request that is ${status} cannot become ${step.to}`,
          });
          return;
        }
        const partner = partnerActor(actor) && step.actor !== 'any';
        const person = step.person ?? requester;
        events.push({
          at: step.at,
          kind: 'status',
          actorKind: actor,
          actorUserId: partner ? (person?.userId ?? null) : null,
          actorName: partner ? (person?.name ?? null) : null,
          staffUserId: actor === 'agent' ? staffUserId : null,
          from: status,
          to: step.to,
          reason: step.reason ?? null,
          body: step.body ?? null,
          byHost: step.byHost ?? actor === 'agent',
        });
        if (step.to === 'resolved') resolvedAt = step.at;
        if (step.to === 'open' && status === 'resolved') resolvedAt = null;
        if (step.to === 'closed') closedAt = step.at;
        if (step.body) texts.push(step.body);
        status = step.to;
        return;
      }
      case 'priority':
        events.push({
          at: step.at,
          kind: 'priority',
          actorKind: 'agent',
          actorUserId: null,
          actorName: null,
          staffUserId,
          from: priority,
          to: step.to,
          reason: step.reason ?? null,
          body: null,
          byHost: true,
        });
        priority = step.to;
        return;
      case 'reply':
        events.push({
          at: step.at,
          kind: 'reply',
          actorKind: step.byHost ? 'agent' : (requester?.actor ?? 'requester'),
          actorUserId: step.byHost ? null : (requester?.userId ?? null),
          actorName: step.byHost ? null : (requester?.name ?? null),
          staffUserId: step.byHost ? staffUserId : null,
          from: null,
          to: null,
          reason: null,
          body: step.body,
          byHost: step.byHost,
        });
        if (step.body) texts.push(step.body);
        return;
      case 'note':
        notes.push({
          at: step.at,
          kind: 'note',
          actorUserId: step.staffUserId,
          from: null,
          to: null,
          body: step.body,
        });
        return;
      case 'work':
        if (work.teamId !== step.teamId)
          notes.push({
            at: step.at,
            kind: 'team',
            actorUserId: step.staffUserId,
            from: work.teamId,
            to: step.teamId,
            body: null,
          });
        if (work.assigneeUserId !== step.assigneeUserId)
          notes.push({
            at: step.at,
            kind: 'assignment',
            actorUserId: step.staffUserId,
            from: work.assigneeUserId,
            to: step.assigneeUserId,
            body: null,
          });
        work.teamId = step.teamId;
        work.assigneeUserId = step.assigneeUserId;
        return;
    }
  });
  if (problems.length > 0) return { problems };

  const { offering } = spec;
  const { stored } = replayClocks(
    {
      sla: offering.sla,
      bankHolidays: offering.bankHolidays,
      submittedAt: spec.submittedAt,
      priority,
      events,
    },
    now,
  );
  return {
    built: {
      record: {
        id: spec.id,
        orgId: spec.orgId,
        hostOrgId: offering.hostOrgId,
        reference: spec.reference,
        serviceLineId: offering.serviceLineId,
        offeringId: offering.offeringId,
        variantId: offering.variantId,
        catalogueEntry: {
          offeringCode: offering.code,
          offeringName: offering.name,
          serviceLineCode: offering.serviceLineCode,
          serviceLineName: offering.serviceLineName,
        },
        requesterUserId: requester?.userId ?? null,
        requesterName: requester?.name ?? null,
        requesterEmail: requester?.email ?? null,
        subject: spec.subject,
        answers: spec.answers,
        priority,
        status,
        sla: offering.sla,
        submittedAt: spec.submittedAt,
        resolvedAt,
        closedAt,
        version: 1,
      },
      events,
      notes,
      work,
      stored,
      searchText: texts.join(' '),
    },
  };
}
