import { readClocks, type ClockReadings } from '../../../kernel/sla-clock.js';
import type { Priority, RequestEvent, SlaSnapshot } from '../request.js';
import { clockHistoryOf, priorityAtSubmission } from './history.js';
import { clockPolicyOf } from './sla-snapshot.js';
import { storedClocksOf, type StoredClocks } from './stored.js';

export interface ReplayInput {
  sla: SlaSnapshot;
  /** The bank holidays of the snapshot calendar's division (YYYY-MM-DD). */
  bankHolidays: readonly string[];
  submittedAt: Date;
  /** The priority now; the one at submission is read from the history. */
  priority: Priority;
  /** The whole public history, oldest first. */
  events: readonly RequestEvent[];
}

/** Both clocks replayed from the whole history at `now`, and what is kept of them on the request. */
export function replayClocks(
  input: ReplayInput,
  now: Date,
): { readings: ClockReadings; stored: StoredClocks } {
  const policy = clockPolicyOf(input.sla, input.bankHolidays);
  const history = clockHistoryOf(
    input.submittedAt,
    priorityAtSubmission(input.priority, input.events),
    input.events,
  );
  const readings = readClocks(policy, history, now);
  return { readings, stored: storedClocksOf(policy, readings, now) };
}
