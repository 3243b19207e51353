/**
 * Sharing an amount of money among parties in proportion to their weights, to the penny, so that
 * the shares always add up to the amount exactly (largest remainder, also called Hamilton's method).
 *
 * Everything is exact integer arithmetic (bigint): a pool of pence times a driver value can exceed
 * the 2^53 up to which binary floating point counts whole numbers exactly.
 */

export interface Claim<K extends string = string> {
  /** Who the share is for; ties in the remainders go to the lower key (an organisation's code). */
  key: K;
  /** A whole, non-negative weight: headcount, or a decimal driver scaled to an integer. */
  weight: bigint;
}

/**
 * Each claim's share of `amount` pence, in the order given. Every share is the floor of its exact
 * proportion, and the pennies left over go one each to the largest remainders (ties to the lower
 * key). A negative amount (a credit) is shared as its size and negated. With no weight at all the
 * amount cannot be shared: that is the caller's case to refuse.
 */
export function apportion<K extends string>(amount: bigint, claims: ReadonlyArray<Claim<K>>): Map<K, bigint> {
  const total = claims.reduce((sum, claim) => sum + claim.weight, 0n);
  if (claims.some((claim) => claim.weight < 0n)) throw new RangeError('weights must not be negative');
  if (new Set(claims.map((claim) => claim.key)).size !== claims.length)
    throw new RangeError('keys must be unique');
  if (total === 0n) throw new RangeError('there is no weight to share by');
  const sign = amount < 0n ? -1n : 1n;
  const size = amount * sign;
  const shares = claims.map((claim) => ({
    key: claim.key,
    share: (size * claim.weight) / total,
    remainder: (size * claim.weight) % total,
  }));
  let left = size - shares.reduce((sum, entry) => sum + entry.share, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder
      ? a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : 0
      : a.remainder > b.remainder
        ? -1
        : 1,
  );
  for (const entry of byRemainder) {
    if (left === 0n) break;
    entry.share += 1n;
    left -= 1n;
  }
  return new Map(shares.map((entry) => [entry.key, entry.share * sign]));
}

/**
 * An annual sum in equal monthly parts: each of the first eleven months bills the whole pence of a
 * twelfth, and the last month the rest, so the year adds up exactly.
 */
export function monthlyParts(annual: bigint, months = 12): bigint[] {
  if (months < 1) throw new RangeError('at least one month');
  const part = annual / BigInt(months);
  return Array.from({ length: months }, (_, index) =>
    index === months - 1 ? annual - part * BigInt(months - 1) : part,
  );
}
