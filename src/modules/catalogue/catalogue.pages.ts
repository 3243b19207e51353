import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../platform/errors.js';
import type { Checked } from '../../platform/api/index.js';
import { fieldErrorsOf, translate } from '../../platform/web/index.js';

/** What the catalogue's page routes share: the steps of a form, and the notice after a change. */

/** A form's values as posted, to show again. */
export type Values = Record<string, unknown>;

/**
 * A form in three steps: read it against its schema, run the change, go on to the next page. A
 * problem with the input, found by the schema or by the use case, shows the same form again with a
 * GOV.UK error summary; any other failure is not the form's to show.
 */
export async function submit<T>(
  reply: FastifyReply,
  input: Checked<T>,
  change: (value: T) => Promise<string>,
  again: (errors: FieldErrors) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  if (input.errors) return again(input.errors);
  try {
    return reply.redirect(await change(input.value), 303);
  } catch (error) {
    const errors = fieldErrorsOf(error);
    if (!errors) throw error;
    return again(errors);
  }
}

/** The notice a page shows after a change, named by a flag in its query (`?added=1`). */
export function notice(request: FastifyRequest, keys: Record<string, string>): string | undefined {
  const query = request.query as Record<string, string | undefined>;
  const found = Object.keys(keys).find((key) => query[key]);
  return found ? translate(keys[found]!) : undefined;
}

/** A page route's options: its path parameters checked by their schema, and kept out of the API's document. */
export function pageSchema<P>(params: P) {
  return { schema: { hide: true, params } };
}
