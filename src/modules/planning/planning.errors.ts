import { defineErrorCodes, DomainError } from '../../platform/errors.js';
import { refusedBy } from '../../platform/db/index.js';

/** The planning module's error codes. */
export const PLANNING_ERRORS = defineErrorCodes({
  ERR_CASE_APPROVED: 409,
  ERR_PLANNED_SAVINGS_FIXED: 409,
  ERR_LEDGER_CHARGES_KEPT: 409,
  ERR_NO_COST_MODEL: 409,
});

refusedBy(
  'business_case_approved',
  () => new DomainError('ERR_CASE_APPROVED', 'An approved business case cannot change'),
);
refusedBy(
  'planned_savings_fixed',
  () =>
    new DomainError(
      'ERR_PLANNED_SAVINGS_FIXED',
      'Planned savings are fixed by approving a business case and never change',
    ),
);
refusedBy(
  'ledger_charges_kept',
  () =>
    new DomainError(
      'ERR_LEDGER_CHARGES_KEPT',
      'The ledger’s charges are kept from issued statements and never change',
    ),
);

/** An approved case was asked to change. */
export function caseApproved(): DomainError {
  return new DomainError('ERR_CASE_APPROVED', 'An approved business case cannot change');
}
