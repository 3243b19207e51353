import { defineErrorCodes, DomainError } from '../../../platform/errors.js';
import { refusedBy } from '../../../platform/db/index.js';

/** The joint committee's error codes. */
export const GOVERNANCE_ERRORS = defineErrorCodes({
  ERR_MEETING_CONFIRMED: 409,
});

/** A confirmed meeting (its minutes agreed) was asked to change. */
export function meetingConfirmed(): DomainError {
  return new DomainError(
    'ERR_MEETING_CONFIRMED',
    'The minutes of this meeting are confirmed: the meeting, its attendance and decisions never change',
  );
}

// The triggers of migration 0026, for a write that passed the application's checks (a race).
refusedBy('committee_meeting_confirmed', meetingConfirmed);
refusedBy(
  'committee_seats_kept',
  () =>
    new DomainError(
      'ERR_CONFLICT',
      'The committee’s membership is kept as history: record a change as a new member from a later date',
    ),
);
refusedBy(
  'committee_seats_one_a_day',
  () =>
    new DomainError('ERR_VALIDATION', 'That organisation already has a member from that date', {
      fields: { effectiveFrom: 'governance.errors.fromTaken' },
    }),
);
refusedBy(
  'committee_decisions_in_order',
  () =>
    new DomainError(
      'ERR_CONFLICT',
      'The decisions of a meeting are numbered without gaps, and another was added at the same time: try again',
    ),
);
refusedBy(
  'committee_votes_present',
  () =>
    new DomainError('ERR_VALIDATION', 'Only an organisation recorded present at the meeting votes', {
      fields: { votes: 'governance.errors.presentOnly' },
    }),
);
