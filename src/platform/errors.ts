/** A stable error code: clients may switch on it, so a code once published never changes meaning. */
export type ErrorCode = `ERR_${string}`;

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

/** The platform's own codes. Modules add theirs with `defineErrorCodes` in their `*.errors.ts`. */
const PLATFORM_CODES = {
  ERR_VALIDATION: 400,
  ERR_MALFORMED_JSON: 400,
  ERR_BAD_REQUEST: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_CSRF: 403,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_CONFLICT: 409,
  ERR_STALE: 409,
  ERR_IMPORT_REJECTED: 400,
  ERR_BODY_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_TOO_MANY_ATTEMPTS: 429,
  ERR_INTERNAL: 500,
  ERR_UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

const statuses = new Map<string, number>(Object.entries(PLATFORM_CODES));

/**
 * Registers a module's error codes and the HTTP status each maps to; the registry is the one place
 * where that mapping lives. A code may be defined twice only with the same status.
 */
export function defineErrorCodes<const T extends Record<ErrorCode, number>>(codes: T): { [K in keyof T]: K } {
  const names = {} as { [K in keyof T]: K };
  for (const [code, status] of Object.entries(codes)) {
    const known = statuses.get(code);
    if (known !== undefined && known !== status)
      throw new Error(`${code} is already defined with status ${known}`);
    statuses.set(code, status);
    (names as Record<string, string>)[code] = code;
  }
  return names;
}

/** The HTTP status of a code; an unregistered code is a bug, answered as a server error. */
export function statusOf(code: ErrorCode): number {
  return statuses.get(code) ?? 500;
}

/** Every code registered so far, sorted (the API document lists them). */
export function errorCodes(): string[] {
  return [...statuses.keys()].sort();
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
