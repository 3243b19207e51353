/** Money as billing reads and shows it: whole pence in bigint, "£1,234.56" for people. */

/** The largest amount billing accepts: £1,000,000,000.00. */
export const MAX_AMOUNT_PENCE = 100_000_000_000n;

const AMOUNT = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

/**
 * Pounds as people write them ("1250", "1,250.50", "£4.42") into whole pence, exactly; negative
 * amounts only when `allowNegative`. Undefined when the text is not an amount.
 */
export function parseAmountPence(
  text: unknown,
  options: { allowNegative?: boolean } = {},
): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const cleaned = text
    .trim()
    .replace(/^(-?)£/, '$1')
    .replace(/,(?=\d{3}(\D|$))/g, '');
  const match = AMOUNT.exec(cleaned);
  if (!match) return undefined;
  const [, minus, whole, fraction = ''] = match;
  const size = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
  if (size > MAX_AMOUNT_PENCE) return undefined;
  if (minus && size !== 0n && !options.allowNegative) return undefined;
  return minus ? -size : size;
}

/** Whole pence as a plain decimal of pounds: 123456n → "1234.56", -5n → "-0.05". */
export function poundsOf(pence: bigint): string {
  const sign = pence < 0n ? '-' : '';
  const size = pence < 0n ? -pence : pence;
  return `${sign}${size / 100n}.${String(size % 100n).padStart(2, '0')}`;
}

/** Whole pence as people read them: 123456n → "£1,234.56", -5n → "-£0.05". */
export function formatMoney(pence: bigint): string {
  const sign = pence < 0n ? '-' : '';
  const size = pence < 0n ? -pence : pence;
  const pounds = String(size / 100n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}£${pounds}.${String(size % 100n).padStart(2, '0')}`;
}
