// The module's error codes register themselves when loaded.
import './metering.errors.js';

export {
  recordUsage,
  thousandthsOfHours,
  meteringService,
  MAX_EVENTS_PER_CALL,
  USAGE_EXPORT_COLUMNS,
  type MeteringService,
  type UsageEventInput,
  type UsageRecorder,
  type RecordedUsage,
  type UsageEventView,
  type UsageQuery,
} from './metering.service.js';
export { meteringRepository } from './metering.repository.js';
export { managedLineIds } from './metering.policy.js';
export { USAGE_CSV_COLUMNS, type ImportResult } from './usage-import.js';
export { SOURCES as USAGE_SOURCES, type UsageSource } from './usage.input.js';
export { meteringApi } from './metering.api.js';
export { usageRoutes } from './pages/usage.routes.js';
export { quantityInWords } from './usage.words.js';
export {
  runMeteringCommand,
  METERING_USAGE,
  actingAs,
  commandProblem,
  explainForCommand,
} from './metering.cli.js';
