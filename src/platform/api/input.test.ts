import { describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { CAPITALS, inputOf, says } from './input.js';

const Thing = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z][A-Z0-9-]{1,15}$', ...CAPITALS, ...says('e.codeMissing', 'e.code') }),
    name: Type.String({ minLength: 1, maxLength: 20, ...says('e.nameMissing', 'e.nameLong') }),
    count: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null, ...says('e.count') }),
    ),
    shown: Type.Optional(Type.Boolean({ default: false })),
    from: Type.Optional(
      Type.Union([Type.String({ format: 'date' }), Type.Null()], { default: null, ...says('e.date') }),
    ),
    tags: Type.Optional(
      Type.Array(Type.Object({ label: Type.String({ minLength: 1, ...says('e.label') }) }), {
        default: [],
        maxItems: 2,
        ...says('e.tags', 'e.tags', { maxItems: 'e.tooMany' }),
      }),
    ),
  },
  { additionalProperties: false },
);

describe('one schema per input', () => {
  const reader = inputOf(Thing);

  it('normalises text, reads capitals and fills defaults', () => {
    expect(reader.check({ code: ' it-desk ', name: ' Desk ', from: '' })).toEqual({
      value: { code: 'IT-DESK', name: 'Desk', count: null, shown: false, from: null, tags: [] },
    });
  });

  it('names each field with its words: missing, or given and wrong', () => {
    expect(reader.check({ code: '', name: 'x'.repeat(21), count: 0, from: '0000-01-01' }).errors).toEqual({
      code: 'e.codeMissing',
      name: 'e.nameLong',
      count: 'e.count',
      from: 'e.date',
    });
    expect(reader.check({ name: 'x' }).errors).toEqual({ code: 'e.codeMissing' });
    expect(reader.check({ code: 'A1', name: 'x', from: '2026-02-30' }).errors).toEqual({ from: 'e.date' });
  });

  it('reports a problem inside a list as a problem of the list, in the innermost words', () => {
    expect(reader.check({ code: 'AB', name: 'x', tags: [{ label: 'a' }, { label: '' }] }).errors).toEqual({
      tags: 'e.label',
    });
    expect(reader.check({ code: 'AB', name: 'x', tags: 'a' }).errors).toEqual({ tags: 'e.tags' });
    const three = [{ label: 'a' }, { label: 'b' }, { label: 'c' }];
    expect(reader.check({ code: 'AB', name: 'x', tags: three }).errors).toEqual({ tags: 'e.tooMany' });
  });

  it('refuses fields it does not know in JSON, and drops them from a form', () => {
    expect(reader.check({ code: 'AB', name: 'x', colour: 'red' }).errors).toEqual({
      colour: 'is not a known field',
    });
    expect(reader.fromForm({ code: 'ab', name: 'x', _csrf: 'token' }).value?.code).toBe('AB');
  });

  it("turns a form's strings into the schema's types", () => {
    expect(reader.fromForm({ code: 'AB', name: 'x', count: '3', shown: 'yes' }).value).toMatchObject({
      count: 3,
      shown: true,
    });
    expect(reader.fromForm({ code: 'AB', name: 'x', count: '' }).value?.count).toBeNull();
    expect(reader.fromForm({ code: 'AB', name: 'x', count: 'three' }).errors).toEqual({ count: 'e.count' });
    expect(reader.fromForm({ code: 'AB', name: 'x', count: '1.5' }).errors).toEqual({ count: 'e.count' });
  });

  it('refuses any depth of nesting the schema does not describe, without walking it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(reader.check(deep).errors).toBeDefined();
    expect(reader.check({ code: 'AB', name: 'x', tags: [{ label: deep }] }).errors).toEqual({
      tags: 'e.label',
    });
    expect(reader.fromForm({ code: 'AB', name: deep }).errors).toEqual({ name: 'e.nameLong' });
  });

  it('throws ERR_VALIDATION with the fields from read', () => {
    expect(() => reader.read({})).toThrow(expect.objectContaining({ code: 'ERR_VALIDATION' }));
  });
});
