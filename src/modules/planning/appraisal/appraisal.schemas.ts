/**
 * The business case API's shapes, for the OpenAPI document and the responses. Bodies are read by
 * `readCase` (appraisal.input.ts), which names every problem by its path in words; these schemas
 * describe the same shape for clients.
 */
import { Type } from '@fastify/type-provider-typebox';
import { BENEFIT_CATEGORIES, COST_CATEGORIES, OPTION_KINDS } from '../../../kernel/appraisal.js';
import { Uuid } from '../../../platform/api/index.js';

const literals = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));

const Amount = Type.String({
  description: 'Pounds and pence in real prices of the base year, as text: "1200000.00"; zero or more',
  examples: ['1200000.00'],
});
const Year = Type.Integer({
  minimum: 0,
  maximum: 100,
  description: '0 is the base year; at most horizonYears',
});

const Bias = Type.Object(
  {
    upper: Type.Union([Type.Number(), Type.String()], {
      description: 'Upper bound of the uplift: 0.66 for 66%',
    }),
    mitigation: Type.Union([Type.Number(), Type.String()], { description: 'From 0 (none) to 1 (all of it)' }),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const Option = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$', examples: ['BAU'] }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    kind: literals(OPTION_KINDS),
    preferred: Type.Optional(Type.Boolean({ default: false })),
    costs: Type.Optional(
      Type.Array(Type.Object({ category: literals(COST_CATEGORIES), year: Year, amount: Amount }), {
        maxItems: 10000,
      }),
    ),
    benefits: Type.Optional(
      Type.Array(Type.Object({ category: literals(BENEFIT_CATEGORIES), year: Year, amount: Amount }), {
        maxItems: 10000,
      }),
    ),
    optimismBias: Type.Optional(
      Type.Object(
        { capital: Type.Optional(Bias), operating: Type.Optional(Bias), one_off: Type.Optional(Bias) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const RateBand = Type.Object({
  from: Type.Integer({ minimum: 1 }),
  to: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  rate: Type.String({ pattern: '^0(\\.\\d{1,6})?$', examples: ['0.035'] }),
});

const Sections = Type.Object(
  {
    strategic: Type.Optional(Type.String({ maxLength: 20000 })),
    economic: Type.Optional(Type.String({ maxLength: 20000 })),
    commercial: Type.Optional(Type.String({ maxLength: 20000 })),
    financial: Type.Optional(Type.String({ maxLength: 20000 })),
    management: Type.Optional(Type.String({ maxLength: 20000 })),
  },
  { additionalProperties: false },
);

const PlannedSaving = Type.Object(
  {
    organisation: Type.String({ description: 'The partner, by its code', examples: ['WDC'] }),
    serviceLine: Type.String({ description: 'The host’s service line, by its code', examples: ['HR'] }),
    year: Type.String({ description: 'A financial year within the case: base year to base year + horizon' }),
    amount: Amount,
  },
  { additionalProperties: false },
);

/** A business case as the API and `tandem appraise` take it. */
export const CaseBodySchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    baseYear: Type.String({
      pattern: '^\\d{4}-\\d{2}$',
      examples: ['2026-27'],
      description: 'A financial year',
    }),
    horizonYears: Type.Integer({ minimum: 1, maximum: 100 }),
    options: Type.Array(Option, {
      minItems: 1,
      maxItems: 20,
      description:
        'Exactly one business_as_usual, at least one do_minimum and one other; exactly one preferred',
    }),
    discountRates: Type.Optional(
      Type.Array(RateBand, {
        description:
          'The discount schedule, kept with the case. Default: the Green Book’s Social Time Preference Rate',
      }),
    ),
    sections: Type.Optional(Sections),
    plannedSavings: Type.Optional(
      Type.Array(PlannedSaving, {
        description:
          'What each partner is planned to save on each line each year, fixed when the case is approved',
      }),
    ),
  },
  { additionalProperties: false },
);

const OptionResult = Type.Object({
  code: Type.String(),
  pvCosts: Type.String(),
  pvBenefits: Type.String(),
  npsv: Type.String(),
  npsvVsBau: Type.String(),
  bcr: Type.Union([Type.String(), Type.Null()]),
  paybackYear: Type.Union([Type.Integer(), Type.Null()]),
});

export const ResultsSchema = Type.Object({
  options: Type.Array(OptionResult),
  preferred: Type.String(),
  switchingValues: Type.Array(
    Type.Object({ category: Type.String(), percent: Type.Union([Type.String(), Type.Null()]) }),
  ),
  discountFactors: Type.Array(Type.String()),
});

export const CaseSummarySchema = Type.Object({
  id: Uuid,
  title: Type.String(),
  baseYear: Type.String(),
  horizonYears: Type.Integer(),
  status: Type.String({ enum: ['draft', 'approved'] }),
  preferred: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  approvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const CaseSchema = Type.Intersect([
  CaseSummarySchema,
  Type.Object({
    case: Type.Object({
      title: Type.String(),
      baseYear: Type.String(),
      horizonYears: Type.Integer(),
      options: Type.Array(
        Type.Object({
          code: Type.String(),
          name: Type.String(),
          kind: Type.String(),
          preferred: Type.Boolean(),
          costs: Type.Array(
            Type.Object({ category: Type.String(), year: Type.Integer(), amount: Type.String() }),
          ),
          benefits: Type.Array(
            Type.Object({ category: Type.String(), year: Type.Integer(), amount: Type.String() }),
          ),
          optimismBias: Type.Optional(
            Type.Record(
              Type.String(),
              Type.Object({ upper: Type.String(), mitigation: Type.String(), reason: Type.String() }),
            ),
          ),
        }),
      ),
      discountRates: Type.Array(
        Type.Object({
          from: Type.Integer(),
          to: Type.Union([Type.Integer(), Type.Null()]),
          rate: Type.String(),
        }),
      ),
      sections: Type.Object({
        strategic: Type.String(),
        economic: Type.String(),
        commercial: Type.String(),
        financial: Type.String(),
        management: Type.String(),
      }),
      plannedSavings: Type.Array(
        Type.Object({
          organisation: Type.String(),
          serviceLine: Type.String(),
          year: Type.String(),
          amount: Type.String(),
        }),
      ),
    }),
    results: ResultsSchema,
  }),
]);

export const CaseParams = Type.Object({ id: Type.String() });
