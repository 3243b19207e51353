/**
 * The business case's forms, which work without JavaScript: each reads what a person typed into a
 * change to the case in the API's shape, which the service then checks whole (`readCase`). Problems
 * come back by the API's path and are pinned here to the input a person can correct.
 */
import { Decimal } from 'decimal.js';
import {
  BENEFIT_CATEGORIES,
  COST_CATEGORIES,
  parseAmountPence,
  STPR_SCHEDULE,
} from '../../../kernel/appraisal.js';
import { formatPounds } from '../../../kernel/money.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { translate } from '../../../platform/web/index.js';
import { SECTIONS, type CaseBody } from './appraisal.input.js';
import { categoryWords } from './appraisal.words.js';

export const CATEGORIES = [...COST_CATEGORIES, ...BENEFIT_CATEGORIES] as const;
type Form = Record<string, unknown>;
type OptionBody = CaseBody['options'][number];

const text = (form: Form, name: string): string => (typeof form[name] === 'string' ? form[name] : '');

/** An empty case, which a new case's details form fills in. */
export const EMPTY_CASE: CaseBody = {
  title: '',
  baseYear: '',
  horizonYears: 0,
  options: [],
  discountRates: STPR_SCHEDULE.map((band) => ({ ...band })),
  sections: { strategic: '', economic: '', commercial: '', financial: '', management: '' },
  plannedSavings: [],
};

/** A whole number as typed, or the text itself so that the case's check names it. */
function wholeNumber(value: string): number | string {
  return /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : value;
}

/** The rows of the details form: the case's options, then empty rows to add more. */
export function shortlistRows(body: CaseBody, form?: Form) {
  const count = form
    ? Math.min(20, Math.max(4, Number(text(form, 'rows')) || 4))
    : Math.min(20, Math.max(4, body.options.length + 2));
  const starters = ['business_as_usual', 'do_minimum', 'other', 'other'];
  return Array.from({ length: count }, (_, i) => {
    const option = body.options[i];
    if (form)
      return {
        index: i,
        code: text(form, `options-${i}-code`),
        name: text(form, `options-${i}-name`),
        kind: text(form, `options-${i}-kind`),
        was: text(form, `options-${i}-was`),
        preferred: text(form, 'preferred') === String(i),
      };
    return {
      index: i,
      code: option?.code ?? '',
      name: option?.name ?? '',
      kind: option?.kind ?? (body.options.length === 0 ? (starters[i] ?? 'other') : 'other'),
      was: option?.code ?? '',
      preferred: option?.preferred ?? false,
    };
  });
}

/**
 * The details form as a change: title, base year, horizon and the shortlist. A row keeps the cash
 * flows of the option it was (by its code when the form was drawn), so renaming keeps them; a row
 * left without a code is not an option. Returns the change and which row each option came from.
 */
export function detailsChange(form: Form) {
  const rows = shortlistRows(EMPTY_CASE, form).filter((row) => row.code.trim() !== '');
  const change = (body: CaseBody): CaseBody => ({
    ...body,
    title: text(form, 'title'),
    baseYear: text(form, 'baseYear'),
    horizonYears: wholeNumber(text(form, 'horizonYears')) as number,
    options: rows.map((row): OptionBody => {
      const before = body.options.find((option) => option.code === row.was);
      return {
        code: row.code.trim(),
        name: row.name.trim(),
        kind: row.kind as OptionBody['kind'],
        preferred: row.preferred,
        costs: before?.costs ?? [],
        benefits: before?.benefits ?? [],
        ...(before?.optimismBias ? { optimismBias: before.optimismBias } : {}),
      };
    }),
  });
  return { change, rowOf: rows.map((row) => row.index) };
}

/** Where on the details form a problem with the case is corrected. */
export function detailsField(path: string, rowOf: number[]): string {
  const [first, index, field] = path.split('.');
  if (first === 'title' || first === 'baseYear' || first === 'horizonYears') return first;
  if (first === 'options' && index === undefined) return 'options-0-code';
  if (first === 'options' && ['code', 'name', 'kind'].includes(field ?? ''))
    return `options-${rowOf[Number(index)] ?? 0}-${field}`;
  if (first === 'options' && field === 'preferred') return 'options-0-code';
  // Cash flows beyond a shortened horizon.
  return 'horizonYears';
}

/** The input of one cell of the option form: a category in a year. */
export const cellId = (category: string, year: number) => `c-${category}-${year}`;

/** The option's cash flows as the form shows them: pounds per category and year, summed. */
export function gridValues(option: OptionBody): Record<string, string> {
  const pence = new Map<string, bigint>();
  for (const flow of [...option.costs, ...option.benefits]) {
    const id = cellId(flow.category, flow.year);
    pence.set(id, (pence.get(id) ?? 0n) + (parseAmountPence(flow.amount) ?? 0n));
  }
  const values: Record<string, string> = {};
  for (const [id, amount] of pence) values[id] = formatPounds(amount.toString());
  for (const [category, bias] of Object.entries(option.optimismBias ?? {})) {
    values[`bias-${category}-upper`] = new Decimal(String(bias.upper)).times(100).toFixed();
    values[`bias-${category}-mitigation`] = new Decimal(String(bias.mitigation)).times(100).toFixed();
    values[`bias-${category}-reason`] = bias.reason;
  }
  return values;
}

const PERCENT = /^(\d{1,5})(\.\d{1,4})?$/;

/** "66" or "66%" → "0.66", exactly; undefined when it is not a percentage up to `most`. */
function fraction(typed: string, most: number): string | undefined {
  const value = typed.trim().replace(/%$/, '').trim();
  if (!PERCENT.test(value)) return undefined;
  const percent = new Decimal(value);
  return percent.greaterThan(most) ? undefined : percent.div(100).toFixed();
}

/**
 * The option form read: one cash flow per cell with an amount (blank cells are none), and optimism
 * bias per category of cost as percentages. Problems are keyed by the input's id, in words.
 */
export function readGrid(form: Form, code: string, horizon: number) {
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};
  const costs: OptionBody['costs'] = [];
  const benefits: OptionBody['benefits'] = [];
  const option = translate('planning.words.option', { code });
  for (let year = 0; year <= horizon; year++) {
    for (const category of CATEGORIES) {
      const id = cellId(category, year);
      const typed = text(form, id).trim();
      values[id] = typed;
      if (typed === '') continue;
      const cleaned = typed.replace(/^£/, '').replace(/,/g, '');
      const side = (COST_CATEGORIES as readonly string[]).includes(category) ? 'costs' : 'benefits';
      const name = translate('planning.words.flowInYear', {
        year,
        what: categoryWords(category, side),
        option,
      });
      const pence = parseAmountPence(cleaned);
      if (pence === undefined) {
        errors[id] = translate(`planning.errors.amount.${cleaned.startsWith('-') ? 'negative' : 'format'}`, {
          name,
        });
        continue;
      }
      const flow = { category, year, amount: formatPounds(pence.toString()) };
      if (side === 'costs') costs.push(flow as OptionBody['costs'][number]);
      else benefits.push(flow as OptionBody['benefits'][number]);
    }
  }
  const bias: Record<string, { upper: string; mitigation: string; reason: string }> = {};
  for (const category of COST_CATEGORIES) {
    const what = translate(`planning.categories.${category}`);
    const upperId = `bias-${category}-upper`;
    const mitigationId = `bias-${category}-mitigation`;
    const reasonId = `bias-${category}-reason`;
    const upper = (values[upperId] = text(form, upperId).trim());
    const mitigation = (values[mitigationId] = text(form, mitigationId).trim());
    const reason = (values[reasonId] = text(form, reasonId).trim());
    if (upper === '' && mitigation === '') continue;
    const upperFraction = fraction(upper, 1000);
    const mitigationFraction = mitigation === '' ? '0' : fraction(mitigation, 100);
    if (upperFraction === undefined)
      errors[upperId] = translate('planning.pages.option.biasUpperError', { what, option });
    if (mitigationFraction === undefined)
      errors[mitigationId] = translate('planning.pages.option.biasMitigationError', { what, option });
    if (reason.length > 2000) errors[reasonId] = translate('planning.errors.biasReason', { what, option });
    if (upperFraction !== undefined && mitigationFraction !== undefined)
      bias[category] = { upper: upperFraction, mitigation: mitigationFraction, reason };
  }
  const change = (body: CaseBody): CaseBody => ({
    ...body,
    options: body.options.map((o) =>
      o.code === code
        ? {
            ...o,
            costs,
            benefits,
            ...(Object.keys(bias).length ? { optimismBias: bias } : { optimismBias: undefined }),
          }
        : o,
    ),
  });
  return { errors, values, change };
}

/** Where on the option form a problem the case's check found is corrected. */
export function gridField(path: string, body: CaseBody, code: string): string {
  const [, index, side, j, field] = path.split('.');
  const option = body.options[Number(index)];
  if (option?.code !== code) return cellId('capital', 0);
  if (side === 'optimismBias') return `bias-${j}-${field === 'mitigation' ? 'mitigation' : 'upper'}`;
  const flow = side === 'costs' ? option.costs[Number(j)] : option.benefits[Number(j)];
  return flow ? cellId(flow.category, flow.year) : cellId('capital', 0);
}

/** The sections form as a change. */
export function sectionsChange(form: Form) {
  return (body: CaseBody): CaseBody => ({
    ...body,
    sections: Object.fromEntries(SECTIONS.map((name) => [name, text(form, name)])) as CaseBody['sections'],
  });
}
