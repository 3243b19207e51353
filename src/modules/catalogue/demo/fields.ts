import type { FormField } from '../offerings/offerings.schemas.js';

/** Questions for the demo's request forms, each keyed by its label. */
export const text = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'text',
  required,
  ...(hint ? { hint } : {}),
});
export const long = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'long_text',
  required,
  ...(hint ? { hint } : {}),
});
export const date = (label: string, required = true): FormField => ({
  key: key(label),
  label,
  type: 'date',
  required,
});
export const number = (label: string, required = true, hint?: string): FormField => ({
  key: key(label),
  label,
  type: 'number',
  required,
  ...(hint ? { hint } : {}),
});
export const choice = (label: string, options: string[]): FormField => ({
  key: key(label),
  label,
  type: 'choice',
  required: true,
  options,
});
export const yesNo = (label: string): FormField => ({
  key: key(label),
  label,
  type: 'yes_no',
  required: true,
});
export const file = (label: string, required = false): FormField => ({
  key: key(label),
  label,
  type: 'file',
  required,
});
function key(label: string) {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 40);
}
