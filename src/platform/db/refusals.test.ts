import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { refusalOf, refusedBy } from './refusals.js';

describe('refusalOf', () => {
  it('turns a named constraint into the error its module registered', () => {
    refusedBy('widgets_code_key', () => new DomainError('ERR_CONFLICT', 'That code is taken'));
    const error = refusalOf({ code: '23505', constraint: 'widgets_code_key' });
    expect(error?.message).toBe('That code is taken');
  });

  it.each([
    ['23505', 'ERR_CONFLICT'],
    ['23P01', 'ERR_CONFLICT'],
    ['23503', 'ERR_CONFLICT'],
    ['23514', 'ERR_VALIDATION'],
    ['23502', 'ERR_VALIDATION'],
    ['22021', 'ERR_VALIDATION'],
    ['22P05', 'ERR_VALIDATION'],
    ['22008', 'ERR_VALIDATION'],
  ])('answers an unnamed refusal %s with %s', (code, expected) => {
    expect(refusalOf({ code, constraint: 'something_unregistered' })?.code).toBe(expected);
  });

  it('leaves alone what input cannot cause, and what is not from the database', () => {
    expect(refusalOf({ code: '22012' })).toBeUndefined(); // division by zero: a bug
    expect(refusalOf({ code: '40001' })).toBeUndefined();
    expect(refusalOf(new Error('boom'))).toBeUndefined();
    expect(refusalOf(new DomainError('ERR_NOT_FOUND', 'x'))).toBeUndefined();
    expect(refusalOf(null)).toBeUndefined();
  });
});
