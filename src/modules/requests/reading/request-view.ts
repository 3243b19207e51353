/**
 * A request as its reader sees it: the public record, the timeline, both clocks read at that moment,
 * and, for the service centre, who works it, the internal notes and the time recorded. What the
 * API and pages present.
 */
import type { ClockReadings } from '../../../kernel/sla-clock.js';
import { slaJson, type SlaJson } from '../clocks/sla-json.js';
import type {
  Actor,
  EventKind,
  NoteKind,
  RequestEvent,
  RequestRecord,
  RequestStatus,
  Priority,
} from '../request.js';
import type { ActionName } from '../workflow/next-actions.js';

export interface Named {
  id: string;
  name: string;
}

export interface TimelineEntry {
  id: string | null;
  at: Date;
  kind: EventKind;
  actor: { kind: Actor; name: string | null };
  from: string | null;
  to: string | null;
  reason: string | null;
  body: string | null;
}

export interface NoteEntry {
  id: string;
  at: Date;
  kind: NoteKind;
  actor: Named | null;
  from: string | null;
  to: string | null;
  body: string | null;
}

export interface TimeEntryView {
  id: string;
  user: Named;
  minutes: number;
  activity: string;
  workedOn: string;
  reversesId: string | null;
  recordedAt: Date;
}

export interface InternalView {
  team: Named | null;
  assignee: Named | null;
  notes: NoteEntry[];
  timeEntries: TimeEntryView[];
  /** The sum of the time entries, reversals taken off. */
  minutesRecorded: number;
}

export interface RequestView {
  id: string;
  reference: string;
  organisation: { code: string; name: string } | null;
  serviceLine: { code: string; name: string };
  offering: { code: string; name: string };
  subject: string;
  priority: Priority;
  status: RequestStatus;
  answers: Record<string, unknown>;
  requester: { name: string; email: string | null } | null;
  submittedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  version: number;
  sla: SlaJson;
  timeline: TimelineEntry[];
  /** The service centre's side; absent for partners. */
  internal?: InternalView;
  /** What the reader may do next. */
  actions: ActionName[];
}

/**
 * Names of the people in a request's history, where the reader may know them: partners' people by
 * the names kept with their events, the service centre's people (for the host only) by `people`.
 */
export function timelineOf(events: readonly RequestEvent[], people: Record<string, string>): TimelineEntry[] {
  return events.map((event) => ({
    id: event.id ?? null,
    at: event.at,
    kind: event.kind,
    actor: {
      kind: event.actorKind,
      name: event.actorName ?? (event.staffUserId ? (people[event.staffUserId] ?? null) : null),
    },
    from: event.from,
    to: event.to,
    reason: event.reason,
    body: event.body,
  }));
}

export function viewOf(parts: {
  record: RequestRecord;
  organisation: { code: string; name: string } | null;
  events: readonly RequestEvent[];
  readings: ClockReadings;
  people: Record<string, string>;
  internal?: InternalView;
  actions: ActionName[];
}): RequestView {
  const { record } = parts;
  return {
    id: record.id,
    reference: record.reference,
    organisation: parts.organisation,
    serviceLine: { code: record.catalogueEntry.serviceLineCode, name: record.catalogueEntry.serviceLineName },
    offering: { code: record.catalogueEntry.offeringCode, name: record.catalogueEntry.offeringName },
    subject: record.subject,
    priority: record.priority,
    status: record.status,
    answers: record.answers,
    requester: record.requesterName ? { name: record.requesterName, email: record.requesterEmail } : null,
    submittedAt: record.submittedAt,
    resolvedAt: record.resolvedAt,
    closedAt: record.closedAt,
    version: record.version,
    sla: slaJson(parts.readings),
    timeline: timelineOf(parts.events, parts.people),
    ...(parts.internal ? { internal: parts.internal } : {}),
    actions: parts.actions,
  };
}
