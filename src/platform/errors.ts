/** A failure the user or caller can act on, with a stable code that clients may rely on. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Every stable error code and the HTTP status it maps to: the one place where that mapping lives. */
export const ERROR_STATUS = {
  ERR_VALIDATION: 400,
  ERR_MALFORMED_JSON: 400,
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_CSRF: 403,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_CONFLICT: 409,
  ERR_ORGANISATION_CODE_TAKEN: 409,
  ERR_EMAIL_TAKEN: 409,
  ERR_CATALOGUE_CODE_TAKEN: 409,
  ERR_TARIFF_OVERLAP: 409,
  ERR_AGREEMENT_OVERLAP: 409,
  ERR_LAST_MANAGER: 409,
  ERR_TEAM_NAME_TAKEN: 409,
  ERR_NOT_A_SERVICE_MANAGER: 400,
  ERR_UNKNOWN_OFFERING: 400,
  ERR_UNKNOWN_ORGANISATION: 400,
  ERR_IMPORT_REJECTED: 400,
  ERR_INVALID_TIME_ZONE: 400,
  ERR_INVALID_WEEKDAY: 400,
  ERR_INVALID_INTERVAL: 400,
  ERR_INVALID_DATE: 400,
  ERR_INVALID_MINUTES: 400,
  ERR_INVALID_INSTANT: 400,
  ERR_NO_WORKING_TIME: 400,
  ERR_OUT_OF_RANGE: 400,
  ERR_BODY_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_TOO_MANY_ATTEMPTS: 429,
  ERR_INTERNAL: 500,
  ERR_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function statusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function notFound(what = 'That page'): DomainError {
  return new DomainError('ERR_NOT_FOUND', `${what} was not found`);
}

export function forbidden(message = 'You do not have permission to do that'): DomainError {
  return new DomainError('ERR_FORBIDDEN', message);
}

/** Field-level problems, in the order the fields appear on the form or in the body. */
export type FieldErrors = Record<string, string>;

export function validationFailed(fields: FieldErrors): DomainError {
  return new DomainError('ERR_VALIDATION', 'Some values are not valid', { fields });
}
