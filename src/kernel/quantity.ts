/**
 * Quantities of usage (hours, pages, payslips) with up to three decimal places, held exactly as
 * whole thousandths, and priced to the penny.
 */

/** The largest quantity one usage event may carry: a billion units. */
export const MAX_THOUSANDTHS = 1_000_000_000_000n;

export type QuantityProblem = 'missing' | 'format' | 'precision' | 'negative' | 'tooLarge' | 'zero';

const QUANTITY = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Reads "12", "0.5" or "1.250" into thousandths (12000n, 500n, 1250n). More than three decimal
 * places is refused rather than rounded. Negative quantities are refused unless `allowNegative`
 * (a reversing event).
 */
export function parseQuantity(
  text: unknown,
  options: { allowNegative?: boolean; allowZero?: boolean } = {},
): { thousandths: bigint } | { problem: QuantityProblem } {
  const raw = typeof text === 'number' && Number.isFinite(text) ? String(text) : text;
  if (typeof raw !== 'string' || raw.trim() === '') return { problem: 'missing' };
  const match = QUANTITY.exec(raw.trim());
  if (!match) return { problem: 'format' };
  const [, minus, whole, fraction = ''] = match;
  if (fraction.length > 3) return { problem: 'precision' };
  if (whole!.length > 13) return { problem: 'tooLarge' };
  const size = BigInt(whole!) * 1000n + BigInt(fraction.padEnd(3, '0') || '0');
  if (size > MAX_THOUSANDTHS) return { problem: 'tooLarge' };
  if (minus && size !== 0n && !options.allowNegative) return { problem: 'negative' };
  if (size === 0n && !options.allowZero) return { problem: 'zero' };
  return { thousandths: minus ? -size : size };
}

/** Thousandths as the shortest exact decimal: 1250n → "1.25", 12000n → "12", -500n → "-0.5". */
export function formatQuantity(thousandths: bigint): string {
  const sign = thousandths < 0n ? '-' : '';
  const size = thousandths < 0n ? -thousandths : thousandths;
  const fraction = String(size % 1000n)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return `${sign}${size / 1000n}${fraction ? `.${fraction}` : ''}`;
}

/** `numerator / denominator` rounded to a whole number, halves away from zero. */
export function divideRoundingHalfAway(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const sign = numerator < 0n ? -1n : 1n;
  const size = numerator * sign;
  return ((size * 2n + denominator) / (denominator * 2n)) * sign;
}

/** A quantity times a unit price in pence, rounded once to the penny, halves away from zero. */
export function lineAmount(thousandths: bigint, unitPricePence: bigint): bigint {
  return divideRoundingHalfAway(thousandths * unitPricePence, 1000n);
}
