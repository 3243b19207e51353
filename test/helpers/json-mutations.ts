/**
 * Mutations of a valid JSON body, generated from its JSON schema: every field the schema names
 * (present in the example or not) set to hostile values of its type and of other types, removed,
 * and joined by fields no schema names; fast-check adds random combinations.
 */
import fc from 'fast-check';
import { hostileFor, jsonText, randomHostile, RawJson, type Json } from './hostile-input.js';

export type JsonSchema = { [key: string]: unknown };

/** The OpenAPI document's component schemas, for `$ref`. */
export type Components = Record<string, JsonSchema>;

export function resolve(schema: JsonSchema, components: Components = {}): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) {
    const name = current.$ref.replace(/^#\/components\/schemas\//, '');
    const found = components[name];
    if (!found) throw new Error(`unknown schema reference ${current.$ref}`);
    current = found;
  }
  return current;
}

/** The branches of anyOf/oneOf, or the schema itself. */
function branches(schema: JsonSchema, components: Components): JsonSchema[] {
  const resolved = resolve(schema, components);
  const options = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined;
  return options ? options.flatMap((option) => branches(option, components)) : [resolved];
}

function typeOf(schema: JsonSchema): string {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return (schema.type as string[]).find((t) => t !== 'null') ?? 'null';
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (schema.enum || schema.const !== undefined) return 'string';
  return 'unknown';
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** The branch of a union that a value takes, or the first that is not null. */
function branchFor(schema: JsonSchema, value: unknown, components: Components): JsonSchema {
  const options = branches(schema, components);
  const type = value === undefined ? undefined : jsonType(value);
  return (
    options.find((o) => typeOf(o) === type || (type === 'integer' && typeOf(o) === 'number')) ??
    options.find((o) => typeOf(o) !== 'null') ??
    options[0]!
  );
}

/** A value the schema accepts, as plain as can be; for fields a hand-written example leaves out. */
export function exampleOf(schema: JsonSchema, components: Components = {}): Json {
  const s = branchFor(schema, undefined, components);
  if (s.const !== undefined) return s.const as Json;
  if (Array.isArray(s.enum)) return s.enum[0] as Json;
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'uuid') return '00000000-0000-0000-0000-000000000000';
      if (s.format === 'date') return '2030-01-01';
      if (s.format === 'date-time') return '2030-01-01T00:00:00Z';
      const length = Math.max(1, Number(s.minLength ?? 1));
      return 'X'.repeat(length);
    }
    case 'integer':
    case 'number':
      return Number(s.minimum ?? 1);
    case 'boolean':
      return false;
    case 'array': {
      const items = (s.items ?? {}) as JsonSchema;
      return Array.from({ length: Number(s.minItems ?? 0) }, () => exampleOf(items, components));
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      return Object.fromEntries(
        required.map((name) => [name, exampleOf(properties[name] ?? {}, components)]),
      );
    }
    case 'null':
      return null;
    default:
      return 'X';
  }
}

export type Path = Array<string | number>;

export interface Field {
  /** `body.targets.critical.response.value` */
  where: string;
  path: Path;
  type: string;
  /** The field's own valid value. */
  valid: Json;
  /** Whether its object requires it (a missing required field is a mutation of its own). */
  required: boolean;
  /** The whole valid body, with this field and the objects above it present. */
  base: Json;
}

export function getPath(value: Json, path: Path): Json | undefined {
  let current: Json | undefined = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object' || current instanceof RawJson) return undefined;
    current = (current as Record<string, Json>)[step as string];
  }
  return current;
}

/** A copy of `value` with `path` set (or, for `undefined`, removed). */
export function setPath(value: Json, path: Path, item: Json | undefined): Json {
  if (path.length === 0) return item === undefined ? null : item;
  const [head, ...rest] = path;
  const container = (
    Array.isArray(value) ? [...value] : value && typeof value === 'object' ? { ...value } : {}
  ) as Record<string | number, Json>;
  const child = container[head!] ?? {};
  if (rest.length === 0) {
    if (item === undefined) delete container[head!];
    else container[head!] = item;
  } else container[head!] = setPath(child, rest, item);
  return container;
}

/** Every field of a body its schema names, depth first, with the valid body around each. */
export function fieldsOf(schema: JsonSchema, example: Json, components: Components = {}): Field[] {
  const fields: Field[] = [];
  const walk = (node: JsonSchema, value: Json, path: Path, base: Json, required: boolean) => {
    const s = branchFor(node, value, components);
    // A field the schema leaves open (checked by the use case instead) is mutated as its example's type.
    const type = typeOf(s) === 'unknown' && value !== undefined ? jsonType(value) : typeOf(s);
    if (path.length)
      fields.push({ where: ['body', ...path].join('.'), path, type, valid: value, required, base });
    if (type === 'object' && s.properties) {
      const needed = new Set((s.required ?? []) as string[]);
      for (const [name, child] of Object.entries(s.properties as Record<string, JsonSchema>)) {
        const present = value && typeof value === 'object' && !Array.isArray(value) && name in value;
        const childValue = present ? (value as Record<string, Json>)[name]! : exampleOf(child, components);
        const childPath = [...path, name];
        walk(
          child,
          childValue,
          childPath,
          present ? base : setPath(base, childPath, childValue),
          needed.has(name),
        );
      }
    } else if (type === 'array' && s.items) {
      const items = s.items as JsonSchema;
      const first = Array.isArray(value) && value.length ? value[0]! : exampleOf(items, components);
      const childPath = [...path, 0];
      const childBase = Array.isArray(value) && value.length ? base : setPath(base, path, [first]);
      walk(items, first, childPath, childBase, true);
    }
  };
  walk(schema, example, [], example, true);
  return fields;
}

/** A body sent as it is, not as JSON of a value: broken JSON, another content type. */
export class TextBody {
  constructor(
    readonly text: string,
    readonly contentType = 'application/json',
  ) {}
}

export interface BodyMutation {
  /** `body.name: NUL` — stable between runs, for reports and allow-lists. */
  label: string;
  /** The body to send: JSON, or text sent as it is. */
  body: Json | TextBody;
}

/** Each field set to each hostile value for its type, each field removed, an unknown field added at each level. */
export function fieldMutations(fields: Field[]): BodyMutation[] {
  const mutations: BodyMutation[] = [];
  for (const field of fields) {
    for (const hostile of hostileFor(field.type, field.valid)) {
      mutations.push({
        label: `${field.where}: ${hostile.kind}`,
        body: setPath(field.base, field.path, hostile.value),
      });
    }
    if (typeof field.path.at(-1) === 'string')
      mutations.push({
        label: `${field.where}: ${field.required ? 'missing required field' : 'left out'}`,
        body: setPath(field.base, field.path, undefined),
      });
    if (field.type === 'object') {
      mutations.push({
        label: `${field.where}: unknown field`,
        body: setPath(field.base, [...field.path, 'fuzzExtra'], 'x'),
      });
      mutations.push({
        label: `${field.where}: array where an object is due`,
        body: setPath(field.base, field.path, [field.valid]),
      });
    }
  }
  return mutations;
}

/** The body as a whole: wrong types, broken JSON, prototype keys, too big, too deep. */
export function wholeBodyMutations(example: Json): BodyMutation[] {
  const object = example && typeof example === 'object' && !Array.isArray(example) ? example : {};
  const first = Object.keys(object)[0] ?? 'a';
  return [
    { label: 'body: array where an object is due', body: [example] },
    { label: 'body: null', body: null },
    { label: 'body: string', body: 'x' },
    { label: 'body: number', body: 1 },
    { label: 'body: empty object', body: {} },
    { label: 'body: unknown field', body: { ...object, fuzzExtra: 'x' } },
    {
      label: 'body: __proto__ key',
      body: new TextBody(withRawMember(object, '"__proto__":{"isAdmin":true}', 'first')),
    },
    {
      label: 'body: constructor.prototype key',
      body: new TextBody(withRawMember(object, '"constructor":{"prototype":{"isAdmin":true}}', 'first')),
    },
    { label: 'body: malformed JSON', body: new TextBody('{"a":') },
    { label: 'body: empty with a JSON content type', body: new TextBody('') },
    { label: 'body: deeply nested', body: new TextBody(`${'['.repeat(5000)}${']'.repeat(5000)}`) },
    { label: 'body: duplicate keys', body: new TextBody(withRawMember(object, `"${first}":null`, 'last')) },
    {
      label: 'body: larger than the limit',
      body: new TextBody(JSON.stringify({ ...object, fuzzExtra: 'x'.repeat(1_100_000) })),
    },
    { label: 'body: plain text', body: new TextBody('hello', 'text/plain') },
    {
      label: 'body: form-encoded',
      body: new TextBody('a=1&b=2', 'application/x-www-form-urlencoded'),
    },
    { label: 'body: JSON with a NUL in a key', body: { ...object, 'fuzz\u0000key': 'x' } },
    { label: 'body: JSON with a lone surrogate in a key', body: { ...object, 'fuzz\ud800': 'x' } },
  ];
}

/** JSON text of an object with one more member written as it is, first or last (a key JSON.stringify would not repeat). */
function withRawMember(object: Json, member: string, where: 'first' | 'last'): string {
  const inner = jsonText(object).slice(1, -1);
  if (!inner) return `{${member}}`;
  return where === 'first' ? `{${member},${inner}}` : `{${inner},${member}}`;
}

/**
 * Random mutations of one to three fields at once, from fast-check with a fixed seed (the same
 * requests on every run). Labelled by the fields and the class of value each got.
 */
export function randomMutations(
  fields: Field[],
  example: Json,
  seed: number,
  numRuns: number,
): BodyMutation[] {
  if (!fields.length) return [];
  const arbitrary = fc.array(fc.tuple(fc.nat({ max: fields.length - 1 }), randomHostile), {
    minLength: 1,
    maxLength: 3,
  });
  return fc.sample(arbitrary, { seed, numRuns }).map((changes, i) => {
    let body = example;
    const parts: string[] = [];
    for (const [index, hostile] of changes) {
      const field = fields[index]!;
      // Fields under an array element or an absent object need their valid surroundings first.
      if (getPath(body, field.path.slice(0, -1)) === undefined) body = mergeBase(body, field);
      body = setPath(body, field.path, hostile.value);
      parts.push(`${field.where} (${hostile.kind})`);
    }
    return { label: `random #${i}: ${parts.join(' + ')}`, body };
  });
}

function mergeBase(body: Json, field: Field): Json {
  const parent = field.path.slice(0, -1);
  return setPath(body, parent, getPath(field.base, parent) ?? null);
}
