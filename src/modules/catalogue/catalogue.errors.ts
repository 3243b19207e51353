import { defineErrorCodes, DomainError } from '../../platform/errors.js';
import { refusedBy } from '../../platform/db/index.js';

/** The catalogue's error codes. */
export const CATALOGUE_ERRORS = defineErrorCodes({
  ERR_CATALOGUE_CODE_TAKEN: 409,
  ERR_TARIFF_OVERLAP: 409,
  ERR_LAST_MANAGER: 409,
  ERR_TEAM_NAME_TAKEN: 409,
  ERR_NOT_A_SERVICE_MANAGER: 400,
  ERR_UNKNOWN_OFFERING: 400,
  ERR_UNKNOWN_ORGANISATION: 400,
  ERR_INVALID_TIME_ZONE: 400,
  ERR_INVALID_WEEKDAY: 400,
  ERR_INVALID_INTERVAL: 400,
  ERR_INVALID_DATE: 400,
  ERR_INVALID_MINUTES: 400,
  ERR_INVALID_INSTANT: 400,
  ERR_NO_WORKING_TIME: 400,
  ERR_OUT_OF_RANGE: 400,
});

/**
 * A code already used in the host's catalogue. The words never name the row met, so the answer is
 * the same whether the caller can see that row (the application's own check) or not (the
 * database's unique constraint, below).
 */
export function codeTaken(
  what: 'A service line' | 'An offering' | 'An SLA policy' | 'A calendar',
): DomainError {
  return new DomainError('ERR_CATALOGUE_CODE_TAKEN', `${what} with that code already exists`, {
    fields: { code: 'catalogue.errors.codeTaken' },
  });
}

/** Two prices of one offering for one organisation in force on the same day. */
export function tariffOverlap(
  message = 'Those dates overlap another price of this offering for the same organisation',
): DomainError {
  return new DomainError('ERR_TARIFF_OVERLAP', message, {
    fields: { validFrom: 'catalogue.errors.tariffOverlap' },
  });
}

export function teamNameTaken(): DomainError {
  return new DomainError('ERR_TEAM_NAME_TAKEN', 'This service line already has a team with that name', {
    fields: { name: 'catalogue.errors.teamTaken' },
  });
}

// The database's refusals that the catalogue knows, by constraint (migrations 0002, 0006, 0009). They
// happen when two writes race past the application's check, or when the clash is with a row the
// caller cannot see; each becomes the error the application's check gives.
refusedBy('service_lines_host_code', () => codeTaken('A service line'));
refusedBy('offerings_host_code', () => codeTaken('An offering'));
refusedBy('sla_policies_host_code', () => codeTaken('An SLA policy'));
refusedBy('calendars_host_code', () => codeTaken('A calendar'));
refusedBy('tariffs_no_overlap', () => tariffOverlap());
refusedBy('service_line_teams_name_any_case', teamNameTaken);
refusedBy('service_line_teams_service_line_id_name_key', teamNameTaken);
