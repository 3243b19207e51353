/**
 * Hostile input for fuzz tests, and the checks every answer to it must pass. Values are named by
 * kind ("NUL", "30 February") so a failing request can be named the same way on every run.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';

/** A JSON value, or raw JSON text that JSON.stringify cannot produce (`1e400`, `-0`, 20-digit integers). */
export type Json = null | boolean | number | string | RawJson | Json[] | { [key: string]: Json };

export class RawJson {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

/** JSON text of a value holding RawJson parts, each written as its text. */
export function jsonText(value: Json): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof RawJson) {
      raws.push(item.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return item;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_all, i: string) => raws[Number(i)]!);
}

export interface Hostile {
  kind: string;
  value: Json;
}

const HUGE = 'x'.repeat(100_000);

/** Strings nothing should store, or that only a careful parser reads right; `like` shapes some on a valid value. */
export function hostileStrings(like = 'ab'): Hostile[] {
  const head = like.slice(0, Math.max(1, like.length - 1));
  return [
    { kind: 'NUL', value: `${head}\u0000${like.slice(head.length)}` },
    { kind: 'lone high surrogate', value: `${head}\ud800` },
    { kind: 'lone low surrogate', value: `\udc00${like}` },
    { kind: 'control character', value: `${head}\u001b[2J` },
    { kind: 'huge string', value: HUGE },
    { kind: 'empty string', value: '' },
    { kind: 'blank', value: '   ' },
    { kind: 'year 0', value: '0000-01-01' },
    { kind: '30 February', value: '2026-02-30' },
    { kind: 'year 275760', value: '275760-09-13' },
    { kind: 'negative as text', value: '-1' },
    { kind: 'NaN as text', value: 'NaN' },
    { kind: 'overflowing number as text', value: '1e999' },
    { kind: 'lower case', value: like.toLowerCase() === like ? like.toUpperCase() : like.toLowerCase() },
    { kind: 'markup', value: '<script>alert(1)</script>' },
    { kind: 'SQL', value: "' or 1=1; --" },
    { kind: 'astral and combining characters', value: 'Zoë 𝔘 ✓ e\u0301' },
    { kind: 'bidi and zero-width', value: `\u202e${like}\u200b` },
    { kind: 'path traversal', value: '../../etc/passwd' },
  ];
}

/** Numbers at and past the edges of what a column or a JavaScript number holds. */
export function hostileNumbers(): Hostile[] {
  return [
    { kind: 'negative number', value: -1 },
    { kind: 'zero', value: 0 },
    { kind: 'fraction', value: 1.5 },
    { kind: 'huge number', value: 1e308 },
    { kind: 'beyond int32', value: 2_147_483_648 },
    { kind: 'beyond int64', value: new RawJson('9223372036854775808') },
    { kind: 'overflowing literal', value: new RawJson('1e400') },
    { kind: 'negative zero', value: new RawJson('-0') },
  ];
}

/** Values of the wrong JSON type for a field of type `type`. */
export function wrongTypes(type: string): Hostile[] {
  const all: Hostile[] = [
    { kind: 'wrong type: string', value: '42' },
    { kind: 'wrong type: number', value: 42 },
    { kind: 'wrong type: boolean', value: true },
    { kind: 'wrong type: null', value: null },
    { kind: 'wrong type: array', value: ['x'] },
    { kind: 'wrong type: object', value: { x: 1 } },
  ];
  const own: Record<string, string> = {
    string: 'string',
    integer: 'number',
    number: 'number',
    boolean: 'boolean',
    array: 'array',
    object: 'object',
  };
  return all.filter((item) => item.kind !== `wrong type: ${own[type] ?? ''}`);
}

/** Hostile values for a field of a JSON schema type, shaped on its valid value where that helps. */
export function hostileFor(type: string, valid: Json): Hostile[] {
  const like = typeof valid === 'string' && valid.length > 0 ? valid : 'ab';
  switch (type) {
    case 'string':
      return [...hostileStrings(like), ...wrongTypes('string'), ...hostileNumbers().slice(0, 1)];
    case 'integer':
    case 'number':
      return [...hostileNumbers(), ...wrongTypes(type), { kind: 'NUL', value: '1\u0000' }];
    case 'boolean':
      return [...wrongTypes('boolean'), { kind: 'NUL', value: '\u0000' }];
    case 'array':
      return [
        ...wrongTypes('array'),
        { kind: 'empty array', value: [] },
        { kind: 'huge array', value: Array.from({ length: 10_000 }, () => 'x') },
        { kind: 'array of nulls', value: [null, null] },
        { kind: 'nested arrays', value: [[[[['x']]]]] },
      ];
    case 'object':
      return [...wrongTypes('object'), { kind: 'empty object', value: {} }];
    default:
      return [...hostileStrings(like).slice(0, 5), ...wrongTypes('')];
  }
}

/** Dates as text, from year -1 to 10000, months 0–13 and days 0–32: most of them impossible. */
export const dateText = fc
  .tuple(
    fc.integer({ min: -1, max: 10_000 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
  )
  .map(([y, m, d]) => `${y < 0 ? '-' : ''}${String(Math.abs(y)).padStart(4, '0')}-${pad(m)}-${pad(d)}`);

const pad = (n: number) => String(n).padStart(2, '0');

/** Random hostile JSON values for fast-check, each with the name of its class for reports. */
export const randomHostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }).map((value) => ({ kind: 'random text', value })),
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((value) => ({ kind: 'random unicode text', value })),
  dateText.map((value) => ({ kind: 'random date', value })),
  fc.integer({ min: -1e15, max: 1e15 }).map((value) => ({ kind: 'random integer', value })),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .map((value) => ({ kind: 'random number', value: Object.is(value, -0) ? 0 : value })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'random JSON', value: value as Json })),
  fc.constantFrom(...hostileStrings(), ...hostileNumbers()),
);

/** What is wrong with an API error answer, or undefined: `{"error": {"code": "ERR_…", "message", "details"?}}`. */
export function errorShapeProblem(response: LightMyRequestResponse): string | undefined {
  if (!/^application\/json/.test(String(response.headers['content-type'] ?? '')))
    return `content type ${String(response.headers['content-type'])}, not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return 'the body is not JSON';
  }
  if (!isObject(body)) return 'the body is not an object';
  const extra = Object.keys(body).filter((key) => key !== 'error');
  if (extra.length) return `unexpected top-level fields ${extra.join(', ')}`;
  const error = body.error;
  if (!isObject(error)) return 'no "error" object';
  if (typeof error.code !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(error.code))
    return `code ${JSON.stringify(error.code)} is not ERR_…`;
  if (typeof error.message !== 'string' || !error.message) return 'no message';
  if ('details' in error && !isObject(error.details)) return 'details is not an object';
  const unknown = Object.keys(error).filter((key) => !['code', 'message', 'details'].includes(key));
  if (unknown.length) return `unexpected error fields ${unknown.join(', ')}`;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Signs that a page shows the inside of the server: a stack frame, a source path, an engine's error. */
export function stackTraceIn(body: string): string | undefined {
  const signs: Array<[RegExp, string]> = [
    [/^\s*at .+\(?(?:file:\/\/|\/|node:)[^\s)]*:\d+:\d+\)?\s*$/m, 'a stack frame'],
    [/node:internal|node_modules\//, 'a module path'],
    [/\/src\/[\w./-]+\.(?:ts|js|mjs)\b/, 'a source path'],
    [/\b(?:TypeError|ReferenceError|RangeError|SyntaxError|AggregateError): /, 'a JavaScript error'],
    [
      /\b(?:error: |ERROR: )?(?:invalid byte sequence|violates (?:unique|check|foreign key)|out of range for type|invalid input syntax)/,
      'a database error',
    ],
    [/Template render error|\(unknown path\)/, 'a template error'],
  ];
  for (const [pattern, what] of signs) {
    const match = pattern.exec(body);
    if (match) return `${what}: ${JSON.stringify(match[0].trim().slice(0, 120))}`;
  }
  return undefined;
}

/** A short, printable form of a value for reports: huge strings and bodies are cut. */
export function snippet(value: unknown, max = 300): string {
  if (value === undefined) return 'undefined';
  const text = typeof value === 'string' ? value : jsonText(value as Json);
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return JSON.stringify(cut).slice(1, -1);
}

/** One request that broke a rule: named by `key` (stable between runs), shown with what it sent and got. */
export interface Failure {
  key: string;
  problem: string;
  method: string;
  url: string;
  sent?: string;
  status?: number;
  answer?: string;
  /** What the server logged as the error, when it logged one. */
  cause?: string;
}

/**
 * Collects failures and checks them against a file's allow-list of known ones (key → the bug).
 * Throws, listing each unexpected failure in full, when any is not on the list.
 */
export class FailureLog {
  readonly failures: Failure[] = [];
  private readonly seen = new Set<string>();
  /** How often each answer (status and error code) came, by the part of the key before ' as ' or ':'. */
  private readonly answers = new Map<string, Map<string, number>>();

  constructor(private readonly expected: Record<string, string>) {}

  /** Counts an answer, for the report: which statuses and codes the fuzz reached, per operation. */
  count(key: string, response: { statusCode: number; body: string }): void {
    const group = key.split(/ as |: /)[0]!;
    const code = /"code":"(ERR_[A-Z0-9_]+)"/.exec(response.body)?.[1] ?? '';
    const answer = `${response.statusCode}${code ? ` ${code}` : ''}`;
    const counts = this.answers.get(group) ?? new Map<string, number>();
    counts.set(answer, (counts.get(answer) ?? 0) + 1);
    this.answers.set(group, counts);
  }

  record(failure: Failure): void {
    const id = `${failure.key}\n${failure.problem}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.failures.push(failure);
  }

  /**
   * Whether a key is allow-listed: named exactly, or matched by an entry with `*` wildcards (for a
   * bug that fails one way across many requests, such as the router's answer to a bad path).
   */
  isExpected(key: string): boolean {
    return key in this.expected || this.patterns().some(([, pattern]) => pattern.test(key));
  }

  private patterns(): Array<[string, RegExp]> {
    return Object.keys(this.expected)
      .filter((entry) => entry.includes('*'))
      .map((entry) => [
        entry,
        new RegExp(
          `^${entry
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ),
      ]);
  }

  /** The failures not allow-listed among those whose key starts with `prefix` (or passes the test). */
  unexpected(prefix: string | ((key: string) => boolean) = ''): Failure[] {
    const chosen = typeof prefix === 'string' ? (key: string) => key.startsWith(prefix) : prefix;
    return this.failures.filter((f) => chosen(f.key) && !this.isExpected(f.key));
  }

  /** Throws a readable report of the unexpected failures among those chosen as by `unexpected`. */
  check(prefix: string | ((key: string) => boolean) = ''): void {
    const unexpected = this.unexpected(prefix);
    if (!unexpected.length) return;
    const lines = unexpected.map(describeFailure);
    throw new Error(
      `${unexpected.length} request(s) failed (add a key to expectedFailures only for a known, reported bug):\n\n` +
        lines.join('\n\n'),
    );
  }

  /**
   * With FUZZ_REPORT_DIR set, writes every failure (allow-listed or not) to `<dir>/<name>.json`,
   * for grouping by cause when many fail at once.
   */
  writeReport(name: string): void {
    const dir = process.env.FUZZ_REPORT_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    const failures = this.failures.map((f) => ({ ...f, allowListed: this.isExpected(f.key) }));
    const answers = Object.fromEntries(
      [...this.answers].map(([group, counts]) => [group, Object.fromEntries([...counts].sort())]),
    );
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ failures, answers }, null, 1));
  }

  /** Allow-listed keys (starting with `prefix`) that no longer fail: the bug is fixed, the entry can go. */
  fixed(prefix = ''): string[] {
    const failing = this.failures.map((f) => f.key);
    const patterns = new Map(this.patterns());
    return Object.keys(this.expected).filter(
      (entry) =>
        entry.startsWith(prefix) &&
        !failing.some((key) => key === entry || (patterns.get(entry)?.test(key) ?? false)),
    );
  }
}

export function describeFailure(f: Failure): string {
  return [
    `✗ ${f.key}`,
    `    problem: ${f.problem}`,
    `    request: ${f.method} ${snippet(f.url, 200)}`,
    ...(f.sent !== undefined ? [`    sent:    ${snippet(f.sent)}`] : []),
    ...(f.status !== undefined ? [`    answer:  ${f.status} ${snippet(f.answer ?? '', 400)}`] : []),
    ...(f.cause ? [`    logged:  ${f.cause}`] : []),
  ].join('\n');
}
