import { defineErrorCodes, DomainError } from '../../platform/errors.js';
import { refusedBy } from '../../platform/db/index.js';

/** The billing module's error codes. */
export const BILLING_ERRORS = defineErrorCodes({
  ERR_ARRANGEMENT_OVERLAP: 409,
  ERR_RUN_NOT_DRAFT: 409,
  ERR_RUN_NOT_REVIEWED: 409,
  ERR_RUN_NOT_COMPUTED: 409,
  ERR_RUN_BLOCKED: 409,
  ERR_PERIOD_ALREADY_CHARGED: 409,
  ERR_STATEMENT_ISSUED: 409,
  ERR_STATEMENT_CORRECTED: 409,
  ERR_JOURNAL_CODES_MISSING: 409,
  ERR_INVALID_PERIOD: 400,
});

refusedBy(
  'charging_arrangements_no_overlap',
  () =>
    new DomainError(
      'ERR_ARRANGEMENT_OVERLAP',
      'That organisation already has a charging arrangement for the line on some of those days',
      { fields: { validFrom: 'overlaps another arrangement for the line' } },
    ),
);
refusedBy(
  'recharge_issued',
  () => new DomainError('ERR_STATEMENT_ISSUED', 'An issued run, statement or line cannot change'),
);
refusedBy(
  'recharge_statements_corrected_once',
  () => new DomainError('ERR_STATEMENT_CORRECTED', 'That statement has already been corrected'),
);
