/** The largest unit price accepted: £10,000,000.00, far below where integer pence stop being exact. */
export const MAX_PENCE = 1_000_000_000;

const AMOUNT = /^(\d+)(?:\.(\d{1,2}))?$/;

export type PenceProblem = 'missing' | 'negative' | 'format' | 'tooLarge';

/**
 * Reads a price in pounds as people write it ("12.50", "£4.42", "7") into whole pence, exactly:
 * the digits are read as text, never through a floating-point number.
 */
export function parsePence(text: unknown): { pence: number } | { problem: PenceProblem } {
  if (typeof text !== 'string' || text.trim() === '') return { problem: 'missing' };
  const cleaned = text.trim().replace(/^£/, '').replace(/,/g, '');
  if (cleaned.startsWith('-')) return { problem: 'negative' };
  const match = AMOUNT.exec(cleaned);
  if (!match) return { problem: 'format' };
  if (match[1]!.length > 8) return { problem: 'tooLarge' };
  const pence = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return pence > MAX_PENCE ? { problem: 'tooLarge' } : { pence };
}

/** Whole pence as pounds with two decimals, "1250" → "12.50". */
export function formatPounds(pence: number | string): string {
  const value = BigInt(pence);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** A decimal amount of pounds for reading, with thousands grouped: "1450.00" → "1,450.00". */
export function groupPounds(amount: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(amount);
  if (!match) return amount;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`;
}
