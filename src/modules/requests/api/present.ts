import type { RequestView } from '../reading/request-view.js';
import type { Page, RequestSummary } from '../reading/read.js';
import type { QueueItem } from '../reading/queue.js';
import type { TimeEntry } from '../workflow/time.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function requestJson(view: RequestView) {
  const { internal, ...shown } = view;
  return {
    ...shown,
    submittedAt: view.submittedAt.toISOString(),
    resolvedAt: iso(view.resolvedAt),
    closedAt: iso(view.closedAt),
    timeline: view.timeline.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
    ...(internal
      ? {
          internal: {
            ...internal,
            notes: internal.notes.map((note) => ({ ...note, at: note.at.toISOString() })),
            timeEntries: internal.timeEntries.map((entry) => ({
              ...entry,
              recordedAt: entry.recordedAt.toISOString(),
            })),
          },
        }
      : {}),
  };
}

export function summaryJson(summary: RequestSummary) {
  return { ...summary, submittedAt: summary.submittedAt.toISOString(), due: iso(summary.due) };
}

export function pageJson<T extends RequestSummary>(page: Page<T>) {
  return { data: page.items.map((item) => ({ ...item, ...summaryJson(item) })), nextCursor: page.nextCursor };
}

export function queueJson(page: Page<QueueItem>) {
  return pageJson(page);
}

export function timeEntryJson(entry: TimeEntry, userName: string) {
  return {
    id: entry.id,
    user: { id: entry.userId, name: userName },
    minutes: entry.minutes,
    activity: entry.activity,
    workedOn: entry.workedOn,
    reversesId: entry.reversesId,
    recordedAt: entry.recordedAt.toISOString(),
  };
}
