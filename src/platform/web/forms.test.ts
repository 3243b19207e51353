import { describe, expect, it } from 'vitest';
import { safeNext } from './forms.js';

describe('where to go after sign-in (safeNext)', () => {
  it.each([
    ['/', '/'],
    ['/organisations', '/organisations'],
    ['/organisations?page=2&sort=name', '/organisations?page=2&sort=name'],
    ['/catalogue/offerings/IT-01', '/catalogue/offerings/IT-01'],
    ['/search?q=caf%C3%A9%20bar', '/search?q=caf%C3%A9%20bar'],
  ])('keeps the path on this site %s', (value, expected) => {
    expect(safeNext(value)).toBe(expected);
  });

  it.each([
    // Another site, however it is spelled.
    ['//evil.example'],
    ['/\\evil.example'],
    ['/\t/evil.example'],
    ['/\n/evil.example'],
    ['/\r\n/evil.example'],
    ['\t//evil.example'],
    [' /evil'],
    ['https://evil.example/'],
    ['http:/evil.example'],
    ['javascript:alert(1)'],
    ['evil.example'],
    // Not a path that parses back to itself.
    ['/a/../b'],
    ['/./b'],
    ['/a b'],
    ['/page#fragment'],
    ['/?'],
    // Characters that cannot go in a Location header, or are not printable ASCII.
    ['/\u2028evil'],
    ['/caf\u00e9'],
    ['/\u0000'],
    ['/\u007f'],
    // Not a string at all.
    [''],
  ])('sends %j home', (value) => {
    expect(safeNext(value)).toBe('/');
  });

  it.each([[undefined], [null], [42], [['/a', '/b']], [{ path: '/a' }]])(
    'sends a value that is not one string (%j) home',
    (value) => {
      expect(safeNext(value)).toBe('/');
    },
  );
});
