import { describe, expect, it } from 'vitest';
import { pooledRandom } from './random.js';

describe('pooled random values', () => {
  it('gives values of the size asked, each unlike any other, across refills of the pool', () => {
    const seen = new Set<string>();
    // 1,000 values of 18 bytes take the 4 KB pool several times over.
    for (let i = 0; i < 1_000; i++) {
      const value = pooledRandom(18, 'base64url');
      expect(value).toMatch(/^[A-Za-z0-9_-]{24}$/);
      seen.add(value);
    }
    expect(seen.size).toBe(1_000);
    expect(Buffer.from(pooledRandom(16, 'base64'), 'base64')).toHaveLength(16);
  });

  it('refuses sizes it cannot give', () => {
    for (const size of [0, -1, 1.5, 257]) expect(() => pooledRandom(size, 'base64')).toThrow(RangeError);
  });
});
