import { defineErrorCodes, DomainError } from '../../platform/errors.js';
import { refusedBy } from '../../platform/db/index.js';

/** The metering module's error codes. */
export const METERING_ERRORS = defineErrorCodes({
  ERR_USAGE_KEY_CONFLICT: 409,
  ERR_USAGE_REJECTED: 400,
  ERR_TOO_MANY_EVENTS: 413,
});

/** One bad event: its place in the input (an index in a list, a line in a file), and what is wrong. */
export interface UsageProblem {
  /** The index in the list (API, recordUsage) or the line in the file (import; the header is line 1). */
  at: number;
  /** The field at fault, when one is. */
  field?: string;
  /** A stable code for the problem (`unknown_organisation`, `key_conflict` …). */
  problem: string;
  message: string;
}

/** At most this many problems are listed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * The error for a batch with problems: ERR_USAGE_KEY_CONFLICT when every problem is a key used
 * before with other content, ERR_USAGE_REJECTED otherwise. Either way nothing was recorded.
 */
export function usageRejected(problems: UsageProblem[], where: 'index' | 'line'): DomainError {
  const sorted = [...problems].sort((a, b) => a.at - b.at);
  const listed = sorted.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({
    [where]: p.at,
    ...(p.field ? { field: p.field } : {}),
    problem: p.problem,
    message: p.message,
  }));
  const onlyConflicts = sorted.every((p) => p.problem === 'key_conflict');
  const count = sorted.length;
  const summary = `${count} ${count === 1 ? 'problem' : 'problems'}; nothing was recorded`;
  return new DomainError(
    onlyConflicts ? 'ERR_USAGE_KEY_CONFLICT' : 'ERR_USAGE_REJECTED',
    onlyConflicts ? `A key was used before with other content: ${summary}` : `Usage refused: ${summary}`,
    { problems: listed, count, unlisted: Math.max(0, count - listed.length) },
  );
}

// Two writers racing with the same new key: the second is refused by the key's primary key.
refusedBy(
  'usage_keys_pkey',
  () =>
    new DomainError(
      'ERR_USAGE_KEY_CONFLICT',
      'Another recording of the same key was made at the same moment; try again to see whether it matches',
    ),
);
refusedBy(
  'usage_keys_reversed_once',
  () => new DomainError('ERR_USAGE_KEY_CONFLICT', 'That event has already been reversed'),
);
