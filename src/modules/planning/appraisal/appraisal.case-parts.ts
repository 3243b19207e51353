/**
 * The parts of a business case beyond the appraisal's own arithmetic, as `readCase` reads them: the
 * discount schedule kept with the case, the five sections, and the planned savings by partner, line
 * and financial year. Problems by path, in words.
 */
import { STPR_SCHEDULE, parseAmountPence, type RateBand } from '../../../kernel/appraisal.js';
import { parsePeriod } from '../../../kernel/periods.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { translate } from '../../../platform/web/index.js';

export const SECTIONS = ['strategic', 'economic', 'commercial', 'financial', 'management'] as const;
export type Section = (typeof SECTIONS)[number];

const RATE = /^0(\.\d{1,6})?$/;
const MOST_SAVINGS = 20_000;
const SECTION_LENGTH = 20_000;

/** A saving the case plans for one partner and line in one financial year, by their codes. */
export interface PlannedSavingInput {
  organisation: string;
  serviceLine: string;
  year: string;
  amountPence: bigint;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const w = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.errors.${key}`, params);

/** The financial year `offset` years after `base` ("2026-27" + 2 → "2028-29"). */
export function yearAfter(base: string, offset: number): string {
  const start = Number(base.slice(0, 4)) + offset;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** The case year (0 for the base year) of a financial year, or undefined when it is not one. */
export function caseYearOf(base: string, financialYear: string): number | undefined {
  const period = parsePeriod(financialYear);
  if (!period || period.kind !== 'financial_year') return undefined;
  return Number(financialYear.slice(0, 4)) - Number(base.slice(0, 4));
}

export function amountProblem(value: unknown): 'negative' | 'notText' | 'format' | undefined {
  if (typeof value === 'number') return 'notText';
  if (typeof value !== 'string') return 'format';
  if (/^\s*-/.test(value)) return 'negative';
  return parseAmountPence(value) === undefined ? 'format' : undefined;
}

export function readRates(errors: FieldErrors, value: unknown): RateBand[] {
  if (value === undefined || value === null) return STPR_SCHEDULE.map((band) => ({ ...band }));
  const bands = Array.isArray(value) ? value : [];
  let next = 1;
  let open = false;
  const read = bands.map((band: unknown): RateBand => {
    const { from, to, rate } = isObject(band) ? band : {};
    const ok =
      !open &&
      from === next &&
      (to === null || (Number.isInteger(to) && (to as number) >= next)) &&
      typeof rate === 'string' &&
      RATE.test(rate);
    if (!ok) next = -1;
    else if (to === null) open = true;
    else next = (to as number) + 1;
    return { from: from as number, to: to as number | null, rate: rate as string };
  });
  if (!Array.isArray(value) || bands.length === 0 || bands.length > 50 || next === -1 || !open)
    errors.discountRates = w('discountRates');
  return read;
}

export function readSections(errors: FieldErrors, value: unknown): Record<Section, string> {
  const sections = Object.fromEntries(SECTIONS.map((name) => [name, ''])) as Record<Section, string>;
  if (value === undefined || value === null) return sections;
  if (!isObject(value)) {
    errors.sections = w('sectionsShape');
    return sections;
  }
  for (const [name, text] of Object.entries(value)) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      errors[`sections.${name}`] = w('unknownField');
      continue;
    }
    const words = translate(`planning.sections.${name}`);
    if (typeof text !== 'string' || text.length > SECTION_LENGTH)
      errors[`sections.${name}`] = w('section', { section: words, most: SECTION_LENGTH });
    else sections[name as Section] = text.replace(/\r\n?/g, '\n').trim();
  }
  return sections;
}

export function readPlannedSavings(
  errors: FieldErrors,
  value: unknown,
  baseYear: string | undefined,
  horizon: number | undefined,
): PlannedSavingInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MOST_SAVINGS) {
    errors.plannedSavings = w('savingsList', { most: MOST_SAVINGS });
    return [];
  }
  const seen = new Set<string>();
  const read: PlannedSavingInput[] = [];
  value.forEach((saving: unknown, index) => {
    const at = `plannedSavings.${index}`;
    const { organisation, serviceLine, year, amount } = isObject(saving) ? saving : {};
    const number = index + 1;
    if (!isObject(saving)) {
      errors[at] = w('savingShape', { number });
      return;
    }
    for (const key of Object.keys(saving))
      if (!['organisation', 'serviceLine', 'year', 'amount'].includes(key))
        errors[`${at}.${key}`] ??= w('unknownField');
    const org = typeof organisation === 'string' ? organisation.trim().toUpperCase() : '';
    const line = typeof serviceLine === 'string' ? serviceLine.trim().toUpperCase() : '';
    const fy = typeof year === 'string' ? year.trim() : '';
    if (!org) errors[`${at}.organisation`] = w('savingOrganisation', { number });
    if (!line) errors[`${at}.serviceLine`] = w('savingLine', { number });
    const caseYear = baseYear ? caseYearOf(baseYear, fy) : undefined;
    if (baseYear && horizon !== undefined && (caseYear === undefined || caseYear < 0 || caseYear > horizon))
      errors[`${at}.year`] = w('savingYear', {
        number,
        first: baseYear,
        last: yearAfter(baseYear, horizon),
      });
    const problem = amountProblem(amount);
    if (problem) errors[`${at}.amount`] = w(`savingAmount.${problem}`, { number });
    const key = `${org}|${line}|${fy}`;
    if (org && line && fy && seen.has(key))
      errors[at] ??= w('savingTwice', { number, organisation: org, line, year: fy });
    seen.add(key);
    read.push({
      organisation: org,
      serviceLine: line,
      year: fy,
      amountPence: parseAmountPence(amount) ?? 0n,
    });
  });
  return read;
}
