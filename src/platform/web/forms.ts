import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../errors.js';
import type { Caller, Principal } from '../auth/index.js';
import { translate } from './messages.js';

export interface FormErrors {
  /** For the GOV.UK error summary, in the order of the fields on the page. */
  errorList: Array<{ text: string; href: string }>;
  /** For each field's errorMessage. */
  fields: Record<string, { text: string }>;
}

/**
 * Turns field problems (message keys) into what GOV.UK components take. `fieldOrder` lists the
 * form's fields top to bottom, so the summary reads in the same order as the page; `ids` maps a
 * field to the id of its first input where they differ (radios, checkboxes).
 */
export function formErrors(
  errors: FieldErrors,
  fieldOrder: string[],
  ids: Record<string, string> = {},
): FormErrors {
  const names = [
    ...fieldOrder.filter((name) => name in errors),
    ...Object.keys(errors).filter((name) => !fieldOrder.includes(name)),
  ];
  const fields: FormErrors['fields'] = {};
  const errorList = names.map((name) => {
    const text = translate(errors[name] ?? '');
    fields[name] = { text };
    return { text, href: `#${ids[name] ?? name}` };
  });
  return { errorList, fields };
}

/** The field problems carried by a validation or conflict error, or undefined for any other error. */
export function fieldErrorsOf(error: unknown): FieldErrors | undefined {
  if (!(error instanceof DomainError)) return undefined;
  const fields = error.details?.fields;
  if (error.code === 'ERR_VALIDATION' || typeof fields === 'object') return (fields ?? {}) as FieldErrors;
  return undefined;
}

/**
 * Runs a form's change and goes where it says (303); on a problem with the input (field problems
 * from validation or a conflict), shows the same form again through `again`. Anything else is thrown.
 */
export async function submitForm<T>(
  reply: FastifyReply,
  change: () => Promise<string>,
  again: (errors: FieldErrors) => T | Promise<T>,
): Promise<FastifyReply | T> {
  try {
    return reply.redirect(await change(), 303);
  } catch (error) {
    const errors = fieldErrorsOf(error);
    if (!errors) throw error;
    return again(errors);
  }
}

/** The form body as strings (and arrays of strings, for repeated fields). */
export function formBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/** The signed-in person, or an error that sends them to sign in (pages) or answers 401 (API). */
export function signedIn(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('ERR_UNAUTHENTICATED', 'Sign in first');
  return request.principal;
}

/**
 * Answers an anonymous caller of the plugin's routes 401 before anything else is read (its path,
 * query or body), so that a stranger learns nothing from validation errors.
 */
export function signInFirst(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    signedIn(request);
  });
}

/** The signed-in caller of a request, as use cases take it; see `signedIn`. */
export function callerOf(request: FastifyRequest): Caller {
  return { principal: signedIn(request), requestId: request.id };
}

const DUMMY_ORIGIN = 'http://tandem.invalid';
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * A path on this site to return to after sign-in, or "/" for anything else. Only a path that a URL
 * parser reads back as exactly itself, on this origin, in printable ASCII, is kept: browsers forgive
 * what a prefix test would not (`/\t/evil.example` is read as `//evil.example`, another site), and a
 * control or non-Latin-1 character cannot be put in a Location header at all.
 */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || !PRINTABLE_ASCII.test(value)) return '/';
  let parsed: URL;
  try {
    parsed = new URL(value, DUMMY_ORIGIN);
  } catch {
    return '/';
  }
  if (parsed.origin !== DUMMY_ORIGIN || parsed.pathname + parsed.search !== value) return '/';
  return value;
}
