// The module's words and error codes register themselves when loaded.
import './requests.messages.js';
import './requests.errors.js';

export { requestsService, type RequestsService } from './requests.service.js';
export type { RequestsOptions, AttachmentHook } from './requests.deps.js';
export { requestsApi } from './api/requests.api.js';
export { queueApi } from './api/queue.api.js';
export { requestsPages, type RequestsPagesOptions, type OfferingsForPages } from './pages/requests.pages.js';
export { requestsPolicy, visibility, seesInternal, actorFor, type Visibility } from './requests.policy.js';
export type { RequestCatalogue, OfferingForRequest, FormField, Team } from './catalogue-port.js';
export { sqlCatalogue } from './catalogue-port.js';
export type {
  RequestView,
  TimelineEntry,
  NoteEntry,
  TimeEntryView,
  InternalView,
  Named,
} from './reading/request-view.js';
export type { RequestSummary, Page } from './reading/read.js';
export type { QueueItem } from './reading/queue.js';
export type { TimeEntry } from './workflow/time.js';
export type { BulkResult } from './workflow/bulk.js';
export type { ChangeOptions } from './workflow/change.js';
export type { RaiseOptions, Raised } from './raising/raise.js';
export type { Imported } from './import/import.js';
export { ACTION_NAMES, nextActions, type ActionName } from './workflow/next-actions.js';
export { refreshDueClocks, type ClockChange } from './clocks/refresh.js';
export { closeConfirmedRequests, type AutoClosed } from './workflow/auto-close.js';
export type { SlaJson, ClockJson } from './clocks/sla-json.js';
export type { SlaSnapshot } from './clocks/sla-snapshot.js';
export {
  ACTIVE_STATUSES,
  WAITING_STATUSES,
  type RequestStatus,
  type Priority,
  type RequestRecord,
  type RequestEvent,
} from './request.js';
export * as requestsSchemas from './requests.schemas.js';
export { requestsMessages } from './requests.messages.js';
export { teamsRepository, type TeamMembership } from './workflow/teams.repository.js';
export { seedDemoRequests, seedRequests, type SeedOptions } from './demo/seed.js';
export { REQUESTS_USAGE, runRequestsCommand, seedRequestsCommand } from './requests.cli.js';
export * from './attachments/index.js';
export { requestJobs, REQUEST_QUEUES } from './notifications/index.js';
