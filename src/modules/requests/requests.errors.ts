import { defineErrorCodes, DomainError } from '../../platform/errors.js';
import { refusedBy } from '../../platform/db/index.js';

/** The requests module's error codes. */
export const REQUEST_ERRORS = defineErrorCodes({
  /** No one may move the request that way from where it is (or do that in its status). */
  ERR_INVALID_TRANSITION: 409,
  /** Not an offering the organisation may request: unknown, hidden, retired, or of a line it does not take. */
  ERR_UNKNOWN_OFFERING: 400,
  /** An Idempotency-Key used before with a different body. */
  ERR_IDEMPOTENCY_KEY_REUSED: 409,
  /** An imported reference the organisation already has. */
  ERR_REFERENCE_TAKEN: 409,
  /** A resolved request can be reopened only within the configured working days. */
  ERR_REOPEN_WINDOW_CLOSED: 409,
  /** A reference that names more than one request the caller can see (imports may repeat one across partners). */
  ERR_AMBIGUOUS_REFERENCE: 409,
  /** A time entry already reversed, or itself a reversal. */
  ERR_ALREADY_REVERSED: 409,
});

export function invalidTransition(message: string): DomainError {
  return new DomainError('ERR_INVALID_TRANSITION', message);
}

export function unknownOffering(code: string): DomainError {
  return new DomainError('ERR_UNKNOWN_OFFERING', `No service you can request has the code ${code}`, {
    fields: { offering: 'requests.errors.offeringUnknown' },
  });
}

export function staleVersion(): DomainError {
  return new DomainError('ERR_STALE', 'Someone else changed this request; reload it and try again', {
    fields: { version: 'requests.errors.stale' },
  });
}

refusedBy(
  'requests_reference_unique',
  () =>
    new DomainError('ERR_REFERENCE_TAKEN', 'The organisation already has a request with that reference', {
      fields: { reference: 'requests.errors.referenceTaken' },
    }),
);
refusedBy(
  'request_time_entries_reverses_id_key',
  () => new DomainError('ERR_ALREADY_REVERSED', 'That time entry has already been reversed'),
);
