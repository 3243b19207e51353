/**
 * What a problem with a business case is called in words: "Year 3 operating cost for option B"
 * rather than `options.1.costs.4.amount`. The API and the pages say the same thing for the same
 * field; the API also names the field by its path.
 */
import { translate } from '../../../platform/web/index.js';

const CATEGORY_WORDS: Record<string, string> = {
  capital: 'planning.categories.capital',
  operating: 'planning.categories.operating',
  one_off: 'planning.categories.one_off',
  cashable: 'planning.categories.cashable',
  non_cashable: 'planning.categories.non_cashable',
};

/** "operating cost", "cashable benefit"; for an unknown category, "cost" or "benefit". */
export function categoryWords(category: unknown, side: 'costs' | 'benefits'): string {
  const key = typeof category === 'string' ? CATEGORY_WORDS[category] : undefined;
  return translate(key ?? (side === 'costs' ? 'planning.categories.cost' : 'planning.categories.benefit'));
}

/** How an option is named in a sentence: by its code when it has a usable one, else by its place. */
export function optionName(option: unknown, index: number): string {
  const code = (option as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.trim() !== ''
    ? translate('planning.words.option', { code: code.trim() })
    : translate('planning.words.optionNumber', { number: index + 1 });
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/**
 * A cash flow as a sentence names it: "Year 3 operating cost for option B", or, without a usable
 * year, "Operating cost number 2 for option B".
 */
export function flowName(
  option: unknown,
  optionIndex: number,
  side: 'costs' | 'benefits',
  flow: unknown,
  flowIndex: number,
): string {
  const { category, year } = (flow ?? {}) as { category?: unknown; year?: unknown };
  const what = categoryWords(category, side);
  const of = optionName(option, optionIndex);
  return Number.isInteger(year) && (year as number) >= 0
    ? translate('planning.words.flowInYear', { year: year as number, what, option: of })
    : translate('planning.words.flowNumber', { What: capitalise(what), number: flowIndex + 1, option: of });
}

/** Words with the first letter in capitals, for the start of a sentence. */
export { capitalise };
