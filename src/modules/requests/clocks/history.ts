import type { ClockEvent, ClockHistory, Priority } from '../../../kernel/sla-clock.js';
import { isRequestStatus } from '../../../kernel/request-states.js';
import { PRIORITIES } from '../../../kernel/sla-clock.js';
import type { RequestEvent } from '../request.js';

const isPriority = (value: unknown): value is Priority =>
  typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);

/**
 * A request's public history as its clocks read it: status changes (with whether the service centre
 * made them), priority changes, and the service centre's public replies. Requesters' replies and
 * attachments do not move a clock; the status change a reply may bring is an event of its own.
 */
export function clockHistoryOf(
  submittedAt: Date,
  priorityAtSubmission: Priority,
  events: readonly RequestEvent[],
): ClockHistory {
  const clockEvents: ClockEvent[] = [];
  for (const event of events) {
    if (event.kind === 'status' && isRequestStatus(event.to))
      clockEvents.push({ at: event.at, type: 'status', to: event.to, byHost: event.byHost });
    else if (event.kind === 'priority' && isPriority(event.to))
      clockEvents.push({ at: event.at, type: 'priority', to: event.to });
    else if (event.kind === 'reply' && event.byHost) clockEvents.push({ at: event.at, type: 'response' });
  }
  return { submittedAt, priority: priorityAtSubmission, status: 'submitted', events: clockEvents };
}

/** The priority a request was submitted with: the first priority event's `from`, else the current one. */
export function priorityAtSubmission(current: Priority, events: readonly RequestEvent[]): Priority {
  const first = events.find((event) => event.kind === 'priority');
  return first && isPriority(first.from) ? first.from : current;
}
