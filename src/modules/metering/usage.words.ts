import { groupPounds } from '../../kernel/money.js';
import { translate } from '../../platform/web/index.js';

/**
 * A quantity as people read it, thousands grouped and a minus sign for a reversal, with its unit in
 * words: "1,234.5 pages", "1 hour", "−2 requests". A unit the catalogue has no words for (a pool's
 * driver) is shown with spaces for underscores and not made plural ("534 headcount").
 */
export function quantityInWords(quantity: string, unit: string | null): string {
  const grouped = groupPounds(quantity).replace(/^-/, '\u2212');
  if (!unit) return grouped;
  const key = `catalogue.units.${unit}`;
  const word = translate(key);
  if (word === key) return `${grouped} ${unit.replace(/_/g, ' ')}`;
  const one = quantity === '1' || quantity === '-1';
  return `${grouped} ${one ? word : `${word}s`}`;
}
