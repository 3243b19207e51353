import { describe, expect, it } from 'vitest';
import { formatPounds, groupPounds } from './money.js';

describe('groupPounds', () => {
  it.each([
    ['0.04', '0.04'],
    ['950.00', '950.00'],
    ['1450.00', '1,450.00'],
    ['1234567.89', '1,234,567.89'],
    ['-1000.50', '-1,000.50'],
    ['12', '12'],
    ['not money', 'not money'],
  ])('%s → %s', (amount, grouped) => {
    expect(groupPounds(amount)).toBe(grouped);
  });

  it('groups what formatPounds gives, exactly', () => {
    expect(groupPounds(formatPounds(123456789))).toBe('1,234,567.89');
  });
});
