import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatPounds } from '../../../kernel/money.js';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { Figures } from './savings.ledger.js';
import type { LedgerView, SavingsService } from './savings.service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

const Pounds = Type.String({ description: 'Pounds and pence: "1234.56"' });
const MaybePounds = Type.Union([Pounds, Type.Null()]);
const Rag = Type.Union([Type.Literal('green'), Type.Literal('amber'), Type.Literal('red'), Type.Null()]);
const FigureFields = {
  planned: Pounds,
  achieved: MaybePounds,
  gap: MaybePounds,
  rag: Rag,
  missingBaselines: Type.Integer(),
};

const LedgerSchema = Type.Object({
  scope: Type.String({ enum: ['host', 'partner'] }),
  tolerancePercent: Type.String(),
  years: Type.Array(
    Type.Object({
      year: Type.String(),
      monthsCharged: Type.Integer(),
      ...FigureFields,
      byPartner: Type.Array(
        Type.Object({ organisation: Type.String(), name: Type.String(), ...FigureFields }),
      ),
      byLine: Type.Array(Type.Object({ serviceLine: Type.String(), name: Type.String(), ...FigureFields })),
    }),
  ),
  rows: Type.Array(
    Type.Object({
      organisation: Type.String(),
      serviceLine: Type.String(),
      year: Type.String(),
      baseline: MaybePounds,
      plannedYear: Pounds,
      charged: Pounds,
      baselineToDate: MaybePounds,
      ...FigureFields,
    }),
  ),
});

const pounds = (pence: bigint) => formatPounds(pence.toString());
const maybe = (pence: bigint | null) => (pence === null ? null : pounds(pence));

function figures(f: Figures) {
  return {
    planned: pounds(f.plannedPence),
    achieved: maybe(f.achievedPence),
    gap: maybe(f.gapPence),
    rag: f.rag,
    missingBaselines: f.missingBaselines,
  };
}

const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function presentLedger(ledger: LedgerView) {
  return {
    scope: ledger.scope,
    tolerancePercent: formatPounds(String(ledger.toleranceBasisPoints)),
    years: ledger.years.map((year) => ({
      year: year.year,
      monthsCharged: year.monthsCharged,
      ...figures(year.totals),
      byPartner: year.byPartner
        .map((p) => ({ ...ledger.organisation(p.orgId), figures: p }))
        .sort(byCode)
        .map((p) => ({ organisation: p.code, name: p.name, ...figures(p.figures) })),
      byLine: year.byLine
        .map((l) => ({ ...ledger.serviceLine(l.serviceLineId), figures: l }))
        .sort(byCode)
        .map((l) => ({ serviceLine: l.code, name: l.name, ...figures(l.figures) })),
    })),
    rows: ledger.rows.map((row) => ({
      organisation: ledger.organisation(row.orgId).code,
      serviceLine: ledger.serviceLine(row.serviceLineId).code,
      year: row.year,
      baseline: maybe(row.baselinePence),
      plannedYear: pounds(row.plannedYearPence),
      charged: pounds(row.chargedPence),
      baselineToDate: maybe(row.baselineToDatePence),
      ...figures(row),
    })),
  };
}

const BaselineBody = Type.Object(
  {
    organisation: Type.String({ description: 'The partner’s code', examples: ['WDC'] }),
    serviceLine: Type.String({ description: 'The host’s service line code', examples: ['HR'] }),
    year: Type.String({ description: 'A financial year', examples: ['2026-27'] }),
    amount: Type.String({ description: 'What the partner would pay alone, in pounds: "250000.00"' }),
    source: Type.String({ description: 'Where the figure comes from', maxLength: 500 }),
  },
  { additionalProperties: false },
);
const Counts = Type.Object({ added: Type.Integer(), changed: Type.Integer(), unchanged: Type.Integer() });

export const savingsApi: FastifyPluginAsyncTypebox<{ savings: SavingsService }> = async (
  app,
  { savings },
) => {
  app.get(
    '/savings-ledger',
    {
      schema: {
        summary: 'The savings ledger: planned against achieved by partner, line and year',
        description:
          'The host’s executives, finance officers and platform administrators see every partner; a partner’s ' +
          'managers see their own rows. Achieved = baseline − charged in issued statements (credit notes netted). ' +
          'A year part-charged is measured to date (monthsCharged twelfths of the baseline and plan). gap = planned − ' +
          'achieved. rag: green when achieved ≥ planned, amber within the tolerance, red below.',
        tags: ['planning'],
        response: { 200: LedgerSchema, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => presentLedger(await savings.ledger(callerOf(request))),
  );

  app.put(
    '/savings-ledger/tolerance',
    {
      schema: {
        summary:
          'Set the ledger’s amber tolerance, as a percentage of plan (the host’s executives and finance officers)',
        tags: ['planning'],
        body: Type.Object(
          {
            percent: Type.Union([Type.String(), Type.Number()], {
              description: 'From 0 to 100, such as "10"',
            }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ tolerancePercent: Type.String() }), ...errors },
      },
    },
    async (request) => {
      const basisPoints = await savings.setTolerance(callerOf(request), request.body.percent);
      return { tolerancePercent: formatPounds(String(basisPoints)) };
    },
  );

  app.get(
    '/savings-baselines',
    {
      schema: {
        summary: 'Baselines: what each partner would pay alone per line and year',
        tags: ['planning'],
        querystring: Type.Object({ year: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })) }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                organisation: Type.String(),
                serviceLine: Type.String(),
                year: Type.String(),
                amount: Pounds,
                source: Type.String(),
                version: Type.Integer(),
                updatedAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      data: (await savings.baselines(callerOf(request), request.query.year)).map((b) => ({
        organisation: b.organisation,
        serviceLine: b.serviceLine,
        year: b.year,
        amount: pounds(b.amountPence),
        source: b.source,
        version: b.version,
        updatedAt: b.updatedAt.toISOString(),
      })),
    }),
  );

  app.post(
    '/savings-baselines',
    {
      schema: {
        summary: 'Record a baseline, new or replacing the one for its partner, line and year (the host)',
        tags: ['planning'],
        body: BaselineBody,
        response: { 200: Counts, ...errors },
      },
    },
    async (request) => savings.recordBaseline(callerOf(request), request.body),
  );

  app.post(
    '/savings-baselines/import',
    {
      schema: {
        summary: 'Import baselines from CSV: all rows or none (the host)',
        description:
          'CSV with the header organisation,service_line,year,amount,source; amount in pounds. A wrong row rejects ' +
          'the file with ERR_IMPORT_REJECTED and `details.rows` ([{line, field, message}]).',
        tags: ['planning'],
        body: Type.Object({ csv: Type.String({ maxLength: 5_000_000 }) }, { additionalProperties: false }),
        response: { 200: Counts, ...errors },
      },
    },
    async (request) => savings.importBaselines(callerOf(request), request.body.csv),
  );
};
