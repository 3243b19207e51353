/**
 * The rule for text from outside (forms, the API, CSV files, commands): no control characters
 * other than tab, line feed and carriage return, and no unpaired UTF-16 surrogates. PostgreSQL
 * refuses NUL and lone surrogates outright; the other control characters have no business in a
 * record and can hide text from the person reading it.
 */
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the text holds a character that the rule above refuses. */
export function hasForbiddenCharacters(text: string): boolean {
  return FORBIDDEN.test(text);
}

/**
 * The path (`body.teams.0.name`) of the first string inside `value` that breaks the rule, keys
 * included, or undefined when all are clean.
 */
export function firstForbiddenText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return hasForbiddenCharacters(value) ? path : undefined;
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstForbiddenText(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (hasForbiddenCharacters(key)) return path;
    const found = firstForbiddenText(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
