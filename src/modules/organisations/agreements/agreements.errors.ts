import { defineErrorCodes, DomainError } from '../../../platform/errors.js';
import { refusedBy } from '../../../platform/db/index.js';

export const AGREEMENT_ERRORS = defineErrorCodes({ ERR_AGREEMENT_OVERLAP: 409 });

/** Two agreements of one partner for one line in force on the same day. */
export function agreementOverlap(
  message = 'Those dates overlap another agreement of this partner for the same service line',
): DomainError {
  return new DomainError('ERR_AGREEMENT_OVERLAP', message, {
    fields: { validFrom: 'agreements.errors.overlap' },
  });
}

// Two writes racing past the application's check: the trigger of migration 0004 refuses the second.
refusedBy('service_agreements_no_overlap', () => agreementOverlap());
