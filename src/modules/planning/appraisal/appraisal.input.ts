/**
 * Reads a business case in the API's shape (the same file `tandem appraise` reads): first its
 * shape, field by field, then the appraisal's own rules (kernel/appraisal `validateCase`: the
 * shortlist, years within the horizon, amounts, optimism bias), then what a stored case needs as
 * well (a base year, a discount schedule, the five sections, planned savings in the case's years).
 * Every problem is named by its path (`options.1.costs.0.amount`) in words that name the field
 * ("Year 3 operating cost for option B must be …").
 */
import {
  BENEFIT_CATEGORIES,
  COST_CATEGORIES,
  OPTION_KINDS,
  validateCase,
  type AppraisalOption,
  type RateBand,
} from '../../../kernel/appraisal.js';
import { Decimal } from 'decimal.js';
import { parsePeriod } from '../../../kernel/periods.js';
import { formatPounds } from '../../../kernel/money.js';
import { translate } from '../../../platform/web/index.js';
import type { FieldErrors } from '../../../platform/errors.js';
import { flowName, optionName } from './appraisal.words.js';
import {
  amountProblem,
  isObject,
  readPlannedSavings,
  readRates,
  readSections,
  w,
  type PlannedSavingInput,
  type Section,
} from './appraisal.case-parts.js';

export {
  SECTIONS,
  yearAfter,
  caseYearOf,
  type Section,
  type PlannedSavingInput,
} from './appraisal.case-parts.js';

export const OPTION_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/;
const MOST_OPTIONS = 20;
const MOST_FLOWS = 10_000;
/** A business case as read and checked: what the appraisal takes, and what is stored with it. */
export interface CaseInput {
  title: string;
  baseYear: string;
  horizonYears: number;
  options: AppraisalOption[];
  discountRates: RateBand[];
  sections: Record<Section, string>;
  plannedSavings: PlannedSavingInput[];
}

const TOP_FIELDS = new Set([
  'title',
  'baseYear',
  'horizonYears',
  'options',
  'discountRates',
  'sections',
  'plannedSavings',
]);
const OPTION_FIELDS = new Set(['code', 'name', 'kind', 'preferred', 'costs', 'benefits', 'optimismBias']);
const FLOW_FIELDS = new Set(['category', 'year', 'amount']);
const BIAS_FIELDS = new Set(['upper', 'mitigation', 'reason']);

function readFlows(
  errors: FieldErrors,
  option: Record<string, unknown>,
  index: number,
  side: 'costs' | 'benefits',
  horizon: number | undefined,
): AppraisalOption['costs'] | AppraisalOption['benefits'] {
  const list = option[side] ?? [];
  const at = `options.${index}.${side}`;
  if (!Array.isArray(list) || list.length > MOST_FLOWS) {
    errors[at] = w(side === 'costs' ? 'costsList' : 'benefitsList', {
      option: optionName(option, index),
      most: MOST_FLOWS,
    });
    return [];
  }
  const categories: readonly string[] = side === 'costs' ? COST_CATEGORIES : BENEFIT_CATEGORIES;
  return list.map((flow: unknown, j) => {
    const path = `${at}.${j}`;
    const name = flowName(option, index, side, flow, j);
    if (!isObject(flow)) {
      errors[path] = w('flowShape', { name });
      return { category: 'operating', year: 0, amount: '0' };
    }
    for (const key of Object.keys(flow))
      if (!FLOW_FIELDS.has(key)) errors[`${path}.${key}`] ??= w('unknownField');
    if (typeof flow.category !== 'string' || !categories.includes(flow.category))
      errors[`${path}.category`] = w(side === 'costs' ? 'costCategory' : 'benefitCategory', { name });
    const year = flow.year;
    if (
      !Number.isInteger(year) ||
      (year as number) < 0 ||
      (horizon !== undefined && (year as number) > horizon)
    )
      errors[`${path}.year`] = w('flowYear', { name, horizon: horizon ?? 100 });
    const problem = amountProblem(flow.amount);
    if (problem) errors[`${path}.amount`] = w(`amount.${problem}`, { name });
    return { category: flow.category, year, amount: flow.amount } as AppraisalOption['costs'][number];
  });
}

function readBias(errors: FieldErrors, option: Record<string, unknown>, index: number) {
  const bias = option.optimismBias;
  if (bias === undefined || bias === null) return undefined;
  const at = `options.${index}.optimismBias`;
  const of = optionName(option, index);
  if (!isObject(bias)) {
    errors[at] = w('biasShape', { option: of });
    return undefined;
  }
  const read: AppraisalOption['optimismBias'] = {};
  for (const [category, value] of Object.entries(bias)) {
    const path = `${at}.${category}`;
    if (!(COST_CATEGORIES as readonly string[]).includes(category)) {
      errors[path] = w('biasCategory', { option: of });
      continue;
    }
    const what = translate(`planning.categories.${category}`);
    if (!isObject(value)) {
      errors[path] = w('biasShape', { option: of });
      continue;
    }
    for (const key of Object.keys(value))
      if (!BIAS_FIELDS.has(key)) errors[`${path}.${key}`] ??= w('unknownField');
    const numberLike = (v: unknown) => typeof v === 'number' || typeof v === 'string';
    if (!numberLike(value.upper)) errors[`${path}.upper`] = w('biasUpper', { what, option: of });
    if (!numberLike(value.mitigation))
      errors[`${path}.mitigation`] = w('biasMitigation', { what, option: of });
    const reason = value.reason ?? '';
    if (typeof reason !== 'string' || reason.length > 2000)
      errors[`${path}.reason`] = w('biasReason', { what, option: of });
    read[category as keyof typeof read] = {
      upper: value.upper as number | string,
      mitigation: value.mitigation as number | string,
      reason: typeof reason === 'string' ? reason.trim() : '',
    };
  }
  return read;
}

function readOptions(errors: FieldErrors, input: Record<string, unknown>, horizon: number | undefined) {
  const list = input.options;
  if (!Array.isArray(list) || list.length === 0 || list.length > MOST_OPTIONS) {
    errors.options = w('optionsList', { most: MOST_OPTIONS });
    return [];
  }
  return list.map((option: unknown, index): AppraisalOption => {
    const at = `options.${index}`;
    if (!isObject(option)) {
      errors[at] = w('optionShape', { option: optionName(option, index) });
      return { code: '', kind: 'other', preferred: false, costs: [], benefits: [] };
    }
    for (const key of Object.keys(option))
      if (!OPTION_FIELDS.has(key)) errors[`${at}.${key}`] ??= w('unknownField');
    const of = optionName(option, index);
    const code = typeof option.code === 'string' ? option.code.trim() : '';
    if (!OPTION_CODE.test(code)) errors[`${at}.code`] = w('optionCode', { option: of });
    const name = option.name ?? '';
    if (typeof name !== 'string' || name.trim().length > 200)
      errors[`${at}.name`] = w('optionName', { option: of });
    if (typeof option.kind !== 'string' || !(OPTION_KINDS as readonly string[]).includes(option.kind))
      errors[`${at}.kind`] = w('optionKind', { option: of });
    const preferred = option.preferred ?? false;
    if (typeof preferred !== 'boolean') errors[`${at}.preferred`] = w('optionPreferred', { option: of });
    return {
      code,
      name: typeof name === 'string' ? name.trim() : '',
      kind: option.kind as AppraisalOption['kind'],
      preferred: preferred === true,
      costs: readFlows(errors, option, index, 'costs', horizon) as AppraisalOption['costs'],
      benefits: readFlows(errors, option, index, 'benefits', horizon) as AppraisalOption['benefits'],
      optimismBias: readBias(errors, option, index),
    };
  });
}

/** Reads and checks a business case: its value, or every problem by the path of its field. */
export function readCase(
  input: unknown,
): { value: CaseInput; errors?: undefined } | { value?: undefined; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!isObject(input)) return { errors: { body: w('caseShape') } };
  for (const key of Object.keys(input)) if (!TOP_FIELDS.has(key)) errors[key] = w('unknownField');
  const title = typeof input.title === 'string' ? input.title.trim() : '';
  if (!title) errors.title = w('title');
  else if (title.length > 200) errors.title = w('titleLong');
  const baseYear = typeof input.baseYear === 'string' ? input.baseYear.trim() : '';
  const base = parsePeriod(baseYear);
  if (!base || base.kind !== 'financial_year') errors.baseYear = w('baseYear');
  const horizonYears = input.horizonYears;
  const horizonOk =
    Number.isInteger(horizonYears) && (horizonYears as number) >= 1 && (horizonYears as number) <= 100;
  if (!horizonOk) errors.horizonYears = w('horizon');
  const horizon = horizonOk ? (horizonYears as number) : undefined;
  const options = readOptions(errors, input, horizon);
  const discountRates = readRates(errors, input.discountRates);
  const sections = readSections(errors, input.sections);
  const plannedSavings = readPlannedSavings(
    errors,
    input.plannedSavings,
    errors.baseYear ? undefined : baseYear,
    horizon,
  );
  // The appraisal's own rules, once the shape is right: the shortlist, codes used twice, bias values.
  if (Object.keys(errors).length === 0) {
    const rules = validateCase({ horizonYears: horizon!, options });
    for (const [path, message] of Object.entries(rules)) errors[path] ??= reword(path, message, options);
  }
  if (Object.keys(errors).length) return { errors };
  // Optimism bias as exact decimal text, however it was sent (0.66 or "0.66").
  for (const option of options)
    for (const bias of Object.values(option.optimismBias ?? {})) {
      bias.upper = new Decimal(String(bias.upper).trim()).toFixed();
      bias.mitigation = new Decimal(String(bias.mitigation).trim()).toFixed();
    }
  return {
    value: { title, baseYear, horizonYears: horizon!, options, discountRates, sections, plannedSavings },
  };
}

/** The kernel's words for a field, with the option and category named. */
function reword(path: string, message: string, options: AppraisalOption[]): string {
  const parts = path.split('.');
  const option = options[Number(parts[1])];
  const of = option ? optionName(option, Number(parts[1])) : '';
  if (parts[2] === 'optimismBias' && parts[3]) {
    const what = translate(`planning.categories.${parts[3]}`);
    if (parts[4] === 'upper') return w('biasUpper', { what, option: of });
    if (parts[4] === 'mitigation') return w('biasMitigation', { what, option: of });
  }
  if (parts[2] === 'code') return w('codeTwice', { code: option?.code ?? '' });
  return message;
}

/** A case in the API's shape: what `readCase` reads back to the same case (amounts as pounds). */
export function caseBody(input: CaseInput) {
  return {
    title: input.title,
    baseYear: input.baseYear,
    horizonYears: input.horizonYears,
    options: input.options.map((option) => ({
      code: option.code,
      name: option.name ?? '',
      kind: option.kind,
      preferred: option.preferred,
      costs: option.costs.map((flow) => ({ ...flow })),
      benefits: option.benefits.map((flow) => ({ ...flow })),
      ...(option.optimismBias && Object.keys(option.optimismBias).length
        ? {
            optimismBias: Object.fromEntries(
              Object.entries(option.optimismBias).map(([category, bias]) => [
                category,
                {
                  upper: String(bias.upper),
                  mitigation: String(bias.mitigation),
                  reason: bias.reason ?? '',
                },
              ]),
            ),
          }
        : {}),
    })),
    discountRates: input.discountRates.map((band) => ({ ...band })),
    sections: { ...input.sections },
    plannedSavings: input.plannedSavings.map((saving) => ({
      organisation: saving.organisation,
      serviceLine: saving.serviceLine,
      year: saving.year,
      amount: formatPounds(saving.amountPence.toString()),
    })),
  };
}

export type CaseBody = ReturnType<typeof caseBody>;
