import { Type } from '@fastify/type-provider-typebox';
import { CAPITALS, says } from '../../platform/api/index.js';

/**
 * What the catalogue's slices share in their schemas: codes, names and dates, each with the words a
 * form shows when it is missing or wrong.
 */

export const E = (key: string) => `catalogue.errors.${key}`;

const CODE_PATTERN = (length: number) => `^[A-Z][A-Z0-9-]{1,${length - 1}}$`;

/** A code as people type it (any case, read in capitals): capitals, digits and hyphens, from a letter. */
export function Code(length: 16 | 32 | 40, options: object = {}) {
  return Type.String({
    pattern: CODE_PATTERN(length),
    maxLength: length,
    description: `Capitals, digits and hyphens, starting with a letter; at most ${length}`,
    ...CAPITALS,
    ...says(E('codeMissing'), E(`codeFormat.${length}`)),
    ...options,
  });
}

/** A code in a path: one in the wrong form names nothing, and is not found. */
export const CodeParams = Type.Object({ code: Code(40) });

export const Name = (options: object = {}) =>
  Type.String({ minLength: 1, maxLength: 200, ...says(E('nameMissing'), E('nameTooLong')), ...options });

export const IsoDate = (options: object = {}) =>
  Type.String({ format: 'date', description: 'YYYY-MM-DD', ...says(E('dateFormat')), ...options });

/** An optional text that, empty or absent, means "as the standard" (null). */
export const Inherited = (maxLength: number, words: string) =>
  Type.Optional(
    Type.Union([Type.String({ maxLength }), Type.Null()], {
      default: null,
      description: 'null, empty or absent: as the standard',
      ...says(words),
    }),
  );
