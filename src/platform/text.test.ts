import { describe, expect, it } from 'vitest';
import { firstForbiddenText, hasForbiddenCharacters } from './text.js';

describe('hasForbiddenCharacters', () => {
  it.each([
    ['plain words', false],
    ['tab\tand\nnew lines\r\n', false],
    ['Welsh: Cyngor Sir Ddinbych ŵ ŷ', false],
    ['emoji 👍 (a surrogate pair)', false],
    ['nul\u0000', true],
    ['bell\u0007', true],
    ['delete\u007f', true],
    ['escape\u001b[31m', true],
    ['lone high \ud83d', true],
    ['lone low \udc4d here', true],
    ['reversed pair \udc4d\ud83d', true],
  ])('%j → %s', (text, expected) => {
    expect(hasForbiddenCharacters(text)).toBe(expected);
  });
});

describe('firstForbiddenText', () => {
  it('names the path of the first bad string, in keys too', () => {
    expect(firstForbiddenText({ name: 'ok', teams: [{ name: 'a' }, { name: 'b\u0000' }] }, 'body')).toBe(
      'body.teams.1.name',
    );
    expect(firstForbiddenText({ ['k\u0000']: 'v' }, 'body')).toBe('body');
    expect(firstForbiddenText({ a: 1, b: [true, null] }, 'body')).toBeUndefined();
    expect(firstForbiddenText('x\ud800', 'params')).toBe('params');
  });
});
