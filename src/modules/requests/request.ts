/**
 * What a request is, as every slice of the module sees it: its record, its public history and the
 * service centre's work on it. Plain data; the rules live in the slices.
 */
import type { Actor, RequestStatus } from '../../kernel/request-states.js';
import type { Priority } from '../../kernel/sla-clock.js';
import type { SlaSnapshot } from './clocks/sla-snapshot.js';

export type { Actor, RequestStatus, Priority, SlaSnapshot };
export { PRIORITIES } from '../../kernel/sla-clock.js';
export { REQUEST_STATUSES, FINAL_STATUSES } from '../../kernel/request-states.js';

/** Kinds of public event (request_events.kind). */
export const EVENT_KINDS = ['submitted', 'status', 'priority', 'reply', 'attachment'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kinds of internal note (request_notes.kind). */
export const NOTE_KINDS = ['note', 'assignment', 'team'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** The offering and its line as the requester saw them when submitting. */
export interface CatalogueEntry {
  offeringCode: string;
  offeringName: string;
  serviceLineCode: string;
  serviceLineName: string;
}

/** A request as stored, with what its clocks replay from. */
export interface RequestRecord {
  id: string;
  orgId: string;
  hostOrgId: string;
  reference: string;
  serviceLineId: string;
  offeringId: string;
  variantId: string | null;
  catalogueEntry: CatalogueEntry;
  requesterUserId: string | null;
  requesterName: string | null;
  requesterEmail: string | null;
  subject: string;
  answers: Record<string, unknown>;
  priority: Priority;
  status: RequestStatus;
  sla: SlaSnapshot;
  submittedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  version: number;
}

/** One public event in a request's history: the timeline, and what its clocks replay. */
export interface RequestEvent {
  /** Absent until stored. */
  id?: string;
  at: Date;
  kind: EventKind;
  actorKind: Actor;
  /** A partner's person (null for the service centre's people and for Tandem). */
  actorUserId: string | null;
  actorName: string | null;
  /** The service centre's person who made it: known to the host only. */
  staffUserId: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  body: string | null;
  /** Made by the service centre: stops the response clock (a reply, or a change of status). */
  byHost: boolean;
}

/** An internal note, assignment or change of team. Host only. */
export interface RequestNote {
  id?: string;
  at: Date;
  kind: NoteKind;
  actorUserId: string | null;
  from: string | null;
  to: string | null;
  body: string | null;
}

/** Who works a request. Host only. */
export interface RequestWork {
  teamId: string | null;
  assigneeUserId: string | null;
}

/** Whether a status is one a request never leaves. */
export function isFinal(status: RequestStatus): boolean {
  return status === 'closed' || status === 'rejected' || status === 'withdrawn';
}

/** The statuses agents' queues hold: work still to do. */
export const ACTIVE_STATUSES: readonly RequestStatus[] = [
  'submitted',
  'awaiting_approval',
  'open',
  'in_progress',
  'awaiting_requester',
  'awaiting_third_party',
  'on_hold',
];

/** The statuses an agent may put a request in while waiting on someone else. */
export const WAITING_STATUSES = ['awaiting_requester', 'awaiting_third_party', 'on_hold'] as const;
export type WaitingStatus = (typeof WAITING_STATUSES)[number];

/** A generated reference: the organisation's code and a number of at least six digits (WDC-000123). */
export function referenceFor(orgCode: string, number: number): string {
  return `${orgCode}-${String(number).padStart(6, '0')}`;
}
