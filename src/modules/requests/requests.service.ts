import type { Database } from '../../platform/db/index.js';
import { sqlCatalogue } from './catalogue-port.js';
import type { RequestsDeps, RequestsOptions } from './requests.deps.js';
import { refreshDueClocks } from './clocks/refresh.js';
import { importing } from './import/import.js';
import { raising } from './raising/raise.js';
import { reading } from './reading/read.js';
import { bulkChanges } from './workflow/bulk.js';
import { changing } from './workflow/change.js';
import { closeConfirmedRequests } from './workflow/auto-close.js';
import { replies } from './workflow/replies.js';
import { requesterSide } from './workflow/requester-side.js';
import { serviceSide } from './workflow/service-side.js';
import { timeRecording } from './workflow/time.js';

/**
 * Requests: raising, reading, the workflow on both sides, time, bulk changes and imports, each use
 * case opening with its policy check and running in one unit of work.
 */
export function requestsService(db: Database, options: RequestsOptions = {}) {
  const deps: RequestsDeps = {
    db,
    now: options.now ?? (() => new Date()),
    reopenWorkingDays: options.reopenWorkingDays ?? 5,
    catalogue: options.catalogue ?? sqlCatalogue,
    attachments: options.attachments,
  };
  const reads = reading(deps);
  const { change } = changing(deps, reads.detailIn);
  const service = serviceSide(deps, change);
  return {
    ...raising(deps, reads.detailIn),
    get: reads.get,
    list: reads.list,
    queue: reads.queue,
    ...requesterSide(deps, change),
    ...service,
    ...replies(change),
    ...timeRecording(deps),
    ...bulkChanges(service.assign, service.moveTeam),
    ...importing(deps),
    /** Recomputes the stored clocks due a look (see refreshDueClocks), at the service's time. */
    refreshDueClocks: (now: Date = deps.now()) => refreshDueClocks(db, now),
    /** Closes resolved requests past their reopening window (see closeConfirmedRequests). */
    closeConfirmedRequests: (now: Date = deps.now()) =>
      closeConfirmedRequests(db, now, { reopenWorkingDays: deps.reopenWorkingDays }),
  };
}

export type RequestsService = ReturnType<typeof requestsService>;
