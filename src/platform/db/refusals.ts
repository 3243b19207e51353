import { DomainError } from '../errors.js';

/**
 * The database's own refusals, turned into domain errors in one place: the unit of work. A
 * constraint that a module names with `refusedBy` becomes that module's error (a unique code taken,
 * overlapping periods); any other integrity or data refusal becomes a generic 4xx, never a 500.
 *
 * A constraint's answer does not depend on whether the caller can see the row it collided with, so
 * "code taken" reads the same for a row in another service line as for one the caller can see.
 */
const known = new Map<string, () => DomainError>();

/** Registers the error a named constraint (or trigger's `constraint` name) stands for. */
export function refusedBy(constraint: string, error: () => DomainError): void {
  known.set(constraint, error);
}

interface PgError {
  code?: unknown;
  constraint?: unknown;
  column?: unknown;
}

const UNIQUE = '23505';
const FOREIGN_KEY = '23503';
const CHECK = '23514';
const NOT_NULL = '23502';
const EXCLUSION = '23P01';
const INPUT_DATA_EXCEPTIONS = new Set([
  '22001', // string too long for its column
  '22003', // numeric value out of range
  '22007', // invalid datetime format
  '22008', // datetime field overflow
  '22021', // character not in repertoire (NUL)
  '22P02', // invalid text representation
  '22P05', // untranslatable character (lone surrogate)
]);

/** The domain error for a refusal by the database, or undefined for a failure of any other kind. */
export function refusalOf(error: unknown): DomainError | undefined {
  if (typeof error !== 'object' || error === null || error instanceof DomainError) return undefined;
  const { code, constraint, column } = error as PgError;
  if (typeof code !== 'string') return undefined;
  const named = typeof constraint === 'string' ? known.get(constraint) : undefined;
  if (named) return named();
  switch (code) {
    case UNIQUE:
    case EXCLUSION:
      return new DomainError('ERR_CONFLICT', 'That conflicts with a record that already exists');
    case FOREIGN_KEY:
      return new DomainError(
        'ERR_CONFLICT',
        'That refers to a record that does not exist or is still in use',
      );
    case CHECK:
    case NOT_NULL:
      return new DomainError('ERR_VALIDATION', 'Some values are not valid', {
        ...(typeof column === 'string' ? { fields: { [column]: 'is not valid' } } : {}),
      });
  }
  // Data exceptions that only a value from outside can cause: an invalid byte, text where a number
  // or date was due, a value out of range. Input is checked before it gets here; this is the backstop.
  if (INPUT_DATA_EXCEPTIONS.has(code))
    return new DomainError('ERR_VALIDATION', 'A value could not be stored as given');
  return undefined;
}
