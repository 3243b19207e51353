import type { FieldErrors } from '../../platform/errors.js';
import { translate, type FormErrors } from '../../platform/web/index.js';

/**
 * Problems named by the API's paths, pinned to the inputs of a page that correct them: the GOV.UK
 * error summary lists each problem (once) linking to its input, and each input shows its first.
 */
export function pinErrors(errors: FieldErrors, inputOf: (path: string) => string): FormErrors {
  const fields: FormErrors['fields'] = {};
  const errorList: FormErrors['errorList'] = [];
  const seen = new Set<string>();
  for (const [path, message] of Object.entries(errors)) {
    const input = inputOf(path);
    const text = translate(message);
    fields[input] ??= { text };
    if (seen.has(text)) continue;
    seen.add(text);
    errorList.push({ text, href: `#${input}` });
  }
  return { errorList, fields };
}

/** The version a form was drawn from (a hidden field), if it carries one. */
export function formVersion(form: Record<string, unknown>): number | undefined {
  const value = form.version;
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
