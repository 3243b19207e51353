import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { isIsoDate } from '../../kernel/dates.js';
import { notFound, validationFailed, type FieldErrors } from '../errors.js';

/**
 * One schema per input. A TypeBox schema describes an input once; the same schema checks it in the
 * JSON API (as the route's validator) and on a page (after `fromForm` has turned the form's strings
 * into the schema's types), and documents it in the OpenAPI document. Problems come back by field,
 * as the message keys the schema names, so a page can show a GOV.UK error summary and the API
 * names the same field with the same key.
 *
 * Before checking, text is trimmed, fields marked `x-capitals` are read in capitals ("it-fault" is
 * IT-FAULT), an empty text where the schema allows null becomes null, and absent optional fields
 * take their defaults. Rules between fields (an end after a start) stay with the use case.
 */

/**
 * Message keys for a field: when it is missing (absent or empty), when it is given but wrong, and,
 * where a rule needs words of its own, by the rule (`{ maxItems: 'catalogue.errors.fieldsTooMany' }`).
 */
export function says(missing: string, invalid: string = missing, byRule: Record<string, string> = {}) {
  return { 'x-missing': missing, 'x-invalid': invalid, 'x-rules': byRule } as const;
}

/** Marks a text field that is read in capitals, as codes are. */
export const CAPITALS = { 'x-capitals': true } as const;

/** What a reader returns: the input with every optional field filled (by its default, or null). */
export type Filled<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/**
 * A route's body, query or params as `inputValidator` left them: every optional field filled. (The
 * type provider knows the schema, not that the validator fills it.)
 */
export function filled<T>(value: T): Filled<T> {
  return value as Filled<T>;
}

export type Checked<T> = { value: T; errors?: undefined } | { value?: undefined; errors: FieldErrors };

/**
 * An input read against its schema with the problems found beside it (a form's date inputs', a
 * price's, a question builder's), which take the place of the schema's for the same fields: every
 * problem of a form in one pass.
 */
export function withProblems<T>(checked: Checked<T>, problems: FieldErrors): Checked<T> {
  if (!checked.errors && !Object.keys(problems).length) return checked;
  return { errors: { ...(checked.errors ?? {}), ...problems } };
}

export interface InputReader<S extends TSchema> {
  /** The input normalised and checked, or its problems by field. */
  check(input: unknown): Checked<Filled<Static<S>>>;
  /** As `check`, but problems are thrown as ERR_VALIDATION. */
  read(input: unknown): Filled<Static<S>>;
  /** A form's fields, strings all, in the schema's types and checked; fields the schema lacks are dropped. */
  fromForm(body: Record<string, unknown>): Checked<Filled<Static<S>>>;
}

interface Node {
  type?: string | string[];
  properties?: Record<string, Node>;
  items?: Node | Node[];
  anyOf?: Node[];
  const?: unknown;
  enum?: unknown[];
  'x-missing'?: string;
  'x-invalid'?: string;
  'x-rules'?: Record<string, string>;
  'x-capitals'?: boolean;
}

const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  coerceTypes: false,
  removeAdditional: false,
  strict: false,
});
(addFormats as unknown as (instance: Ajv) => void)(ajv);
// Dates are the project's dates (kernel/dates): real days from 1900 to 2999, never year 0000.
ajv.addFormat('date', { type: 'string', validate: (value: string) => isIsoDate(value) });

function typesOf(node: Node): Set<string> {
  const types = new Set<string>();
  const add = (n: Node) => {
    if (Array.isArray(n.type)) n.type.forEach((t) => types.add(t));
    else if (n.type) types.add(n.type);
    else if (n.const !== undefined) types.add(typeof n.const);
    else if (n.enum) n.enum.forEach((value) => types.add(value === null ? 'null' : typeof value));
    n.anyOf?.forEach(add);
  };
  add(node);
  return types;
}

/** The schema of one step down a path, looking through unions. */
function child(node: Node | undefined, segment: string): Node | undefined {
  if (!node) return undefined;
  if (node.properties?.[segment]) return node.properties[segment];
  if (node.items && /^\d+$/.test(segment))
    return Array.isArray(node.items) ? node.items[Number(segment)] : node.items;
  for (const branch of node.anyOf ?? []) {
    const found = child(branch, segment);
    if (found) return found;
  }
  return undefined;
}

function annotation(node: Node | undefined, key: 'x-capitals'): boolean {
  return Boolean(node?.[key] || node?.anyOf?.some((branch) => branch[key]));
}

/**
 * Trims text, reads capitals, turns empty text into null where null is allowed. Returns a copy. Only
 * what the schema describes is walked: anything else is the schema's to refuse, however deep it goes.
 */
function normalise(node: Node | undefined, value: unknown): unknown {
  if (!node) return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '' && node && typesOf(node).has('null')) return null;
    return annotation(node, 'x-capitals') ? text.toUpperCase() : text;
  }
  if (Array.isArray(value)) return value.map((item, index) => normalise(child(node, String(index)), item));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, normalise(child(node, key), item)]),
    );
  return value;
}

/** A form's string (or repeated strings) as the schema's type, where it plainly is one. */
function fromText(node: Node | undefined, value: unknown): unknown {
  if (value === undefined || !node) return value;
  const types = typesOf(node);
  if (types.has('array') && !Array.isArray(value))
    return typeof value === 'string' && value.trim() === '' ? [] : fromText(node, [value]);
  if (Array.isArray(value)) return value.map((item, index) => fromText(child(node, String(index)), item));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, fromText(child(node, key), item)]),
    );
  if (typeof value !== 'string' || types.has('string')) return value;
  const text = value.trim();
  if (text === '') return types.has('null') ? null : undefined;
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (types.has('boolean') && ['yes', 'true', 'on'].includes(text)) return true;
  if (types.has('boolean') && ['no', 'false'].includes(text)) return false;
  return value;
}

function valueAt(value: unknown, path: string[]): unknown {
  let at = value;
  for (const segment of path) at = (at as Record<string, unknown> | undefined)?.[segment];
  return at;
}

/**
 * Ajv's problems by field. A problem is reported at the outermost field on its path that names its
 * words (so a wrong label inside the list of form questions is a problem of `formFields`), with the
 * words of the innermost one; a field with no words gets Ajv's own.
 */
function problemsOf(schema: Node, errors: ErrorObject[], input: unknown, part: string): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'anyOf') continue;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      fields[[...path, String(params.additionalProperty)].join('.')] ??= 'is not a known field';
      continue;
    }
    let missing = false;
    if (error.keyword === 'required') {
      path.push(String(params.missingProperty));
      missing = true;
    }
    if (valueAt(input, path) === '') missing = true;
    const nodes: Array<Node | undefined> = [schema];
    for (const segment of path) nodes.push(child(nodes[nodes.length - 1], segment));
    const worded = nodes.flatMap((node, depth) =>
      node && (node['x-missing'] || node['x-invalid']) ? [{ node, depth }] : [],
    );
    const outer = worded[0];
    const inner = worded[worded.length - 1];
    if (!outer || !inner) {
      fields[path.join('.') || part] ??= error.message ?? 'is not valid';
      continue;
    }
    const words = missing
      ? (inner.node['x-missing'] ?? inner.node['x-invalid'])
      : (inner.node['x-rules']?.[error.keyword] ?? inner.node['x-invalid'] ?? inner.node['x-missing']);
    fields[path.slice(0, outer.depth).join('.') || part] ??= words!;
  }
  return fields;
}

const readers = new WeakMap<object, InputReader<TSchema>>();

/** The reader of one schema, compiled when first used. */
export function inputOf<S extends TSchema>(schema: S): InputReader<S> {
  const known = readers.get(schema);
  if (known) return known as InputReader<S>;
  const node = schema as Node;
  let validate: ValidateFunction | undefined;
  const check = (input: unknown, part = 'body'): Checked<Filled<Static<S>>> => {
    const value = normalise(node, input);
    validate ??= ajv.compile(schema);
    if (validate(value)) return { value: value as Filled<Static<S>> };
    return { errors: problemsOf(node, validate.errors ?? [], value, part) };
  };
  const reader: InputReader<S> = {
    check: (input) => check(input),
    read(input) {
      const checked = check(input);
      if (checked.errors) throw validationFailed(checked.errors);
      return checked.value;
    },
    fromForm(body) {
      const picked: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(node.properties ?? {})) {
        const value = fromText(field, body[key]);
        if (value !== undefined) picked[key] = value;
      }
      return check(picked);
    },
  };
  readers.set(schema, reader);
  return reader;
}

/**
 * The validator for routes whose schemas are read this way: bodies as JSON, path and query strings
 * as a form's fields. A path parameter that could name nothing (a code in the wrong form) is not
 * found, as one that names nothing is; other problems are ERR_VALIDATION by field.
 */
export const inputValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const reader = inputOf(schema);
  return (data: unknown) => {
    const strings = httpPart !== 'body';
    const checked = strings ? reader.check(fromText(schema, data ?? {})) : reader.check(data);
    if (!checked.errors) return { value: checked.value };
    if (httpPart === 'params') return { error: notFound() };
    return { error: validationFailed(checked.errors) };
  };
};
