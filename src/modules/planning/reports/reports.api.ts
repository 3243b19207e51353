import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatPounds } from '../../../kernel/money.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { Figures } from '../savings/savings.ledger.js';
import type { ChargeFigures, Named, ReportPack, SlaFigures } from './reports.pack.js';
import type { ReportsService } from './reports.service.js';

const Pounds = Type.String({ description: 'Pounds and pence: "1234.56"' });
const MaybePounds = Type.Union([Pounds, Type.Null()]);
const Percent = Type.Union([
  Type.String({ description: 'A percentage to two decimals: "66.67"' }),
  Type.Null(),
]);
const Rag = Type.Union([Type.Literal('green'), Type.Literal('amber'), Type.Literal('red'), Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Ref = { code: Type.String(), name: Type.String() };

const SlaFields = {
  resolved: Count,
  resolutionMet: Count,
  resolutionBreached: Count,
  resolutionMetPercent: Percent,
  responseMet: Count,
  responseBreached: Count,
  responseMetPercent: Percent,
};
const ChargeFields = { statements: Pounds, creditNotes: Pounds, net: Pounds };
const SavingsFields = { planned: Pounds, achieved: MaybePounds, gap: MaybePounds, rag: Rag };

const PackSchema = Type.Object({
  scope: Type.String({ enum: ['partnership', 'partner'] }),
  organisation: Type.Object(Ref, { description: 'The partner, or for the partnership the host' }),
  quarter: Type.Object({ code: Type.String(), from: Type.String(), to: Type.String() }),
  financialYear: Type.String(),
  producedAt: Type.String({ format: 'date-time' }),
  sla: Type.Object({
    total: Type.Object(SlaFields),
    byLine: Type.Array(Type.Object({ serviceLine: Type.String(), name: Type.String(), ...SlaFields })),
    byPartner: Type.Array(Type.Object({ organisation: Type.String(), name: Type.String(), ...SlaFields })),
  }),
  volumes: Type.Object({
    total: Type.Object({ raised: Count, resolved: Count }),
    byLine: Type.Array(
      Type.Object({ serviceLine: Type.String(), name: Type.String(), raised: Count, resolved: Count }),
    ),
    usage: Type.Array(
      Type.Object({
        offering: Type.String(),
        name: Type.String(),
        serviceLine: Type.String(),
        unit: Type.String(),
        quantity: Type.String({ description: 'Exact, up to three decimals: "12.5"' }),
        events: Type.Integer(),
      }),
    ),
  }),
  charges: Type.Object({
    total: Type.Object(ChargeFields),
    byLine: Type.Array(Type.Object({ serviceLine: Type.String(), name: Type.String(), ...ChargeFields })),
    byPartner: Type.Array(Type.Object({ organisation: Type.String(), name: Type.String(), ...ChargeFields })),
  }),
  savings: Type.Union([
    Type.Object({
      year: Type.String(),
      monthsCharged: Type.Integer(),
      tolerancePercent: Type.String(),
      ...SavingsFields,
      byLine: Type.Array(Type.Object({ serviceLine: Type.String(), name: Type.String(), ...SavingsFields })),
      byPartner: Type.Array(
        Type.Object({ organisation: Type.String(), name: Type.String(), ...SavingsFields }),
      ),
    }),
    Type.Null(),
  ]),
  teckal: Type.Union([
    Type.Object({
      years: Type.Array(
        Type.Object({
          financialYear: Type.String(),
          turnover: Pounds,
          others: Pounds,
          sharePercent: Type.String(),
        }),
      ),
      turnover: Pounds,
      others: Pounds,
      sharePercent: Type.String(),
      limitPercent: Type.String(),
      status: Type.String({ enum: ['within', 'approaching', 'over'] }),
    }),
    Type.Null(),
  ]),
});

const pounds = (pence: bigint | number) => formatPounds(pence.toString());
const maybePounds = (pence: bigint | null) => (pence === null ? null : pounds(pence));
const percent = (basisPoints: number | null) => (basisPoints === null ? null : formatPounds(basisPoints));

function sla(f: SlaFigures) {
  return {
    resolved: f.resolved,
    resolutionMet: f.resolutionMet,
    resolutionBreached: f.resolutionBreached,
    resolutionMetPercent: percent(f.resolutionMetBasisPoints),
    responseMet: f.responseMet,
    responseBreached: f.responseBreached,
    responseMetPercent: percent(f.responseMetBasisPoints),
  };
}

const charges = (f: ChargeFigures) => ({
  statements: pounds(f.statementsPence),
  creditNotes: pounds(f.creditNotesPence),
  net: pounds(f.netPence),
});

const savings = (f: Figures) => ({
  planned: pounds(f.plannedPence),
  achieved: maybePounds(f.achievedPence),
  gap: maybePounds(f.gapPence),
  rag: f.rag,
});

const line = (n: Named) => ({ serviceLine: n.code, name: n.name });
const partner = (n: Named) => ({ organisation: n.code, name: n.name });

/** The pack as the API answers it: money as pounds with two decimals, shares as percentages. */
export function presentPack(pack: ReportPack) {
  return {
    scope: pack.scope,
    organisation: pack.organisation,
    quarter: pack.quarter,
    financialYear: pack.financialYear,
    producedAt: pack.producedAt.toISOString(),
    sla: {
      total: sla(pack.sla.total),
      byLine: pack.sla.byLine.map((l) => ({ ...line(l), ...sla(l) })),
      byPartner: pack.sla.byPartner.map((p) => ({ ...partner(p), ...sla(p) })),
    },
    volumes: {
      total: pack.volumes.total,
      byLine: pack.volumes.byLine.map((l) => ({ ...line(l), raised: l.raised, resolved: l.resolved })),
      usage: pack.volumes.usage.map((u) => ({
        offering: u.offering,
        name: u.offeringName,
        serviceLine: u.serviceLine,
        unit: u.unit,
        quantity: formatQuantity(u.quantityThousandths),
        events: u.events,
      })),
    },
    charges: {
      total: charges(pack.charges.total),
      byLine: pack.charges.byLine.map((l) => ({ ...line(l), ...charges(l) })),
      byPartner: pack.charges.byPartner.map((p) => ({ ...partner(p), ...charges(p) })),
    },
    savings: pack.savings && {
      year: pack.savings.year,
      monthsCharged: pack.savings.monthsCharged,
      tolerancePercent: formatPounds(pack.savings.toleranceBasisPoints),
      ...savings(pack.savings.totals),
      byLine: pack.savings.byLine.map((l) => ({ ...line(l), ...savings(l) })),
      byPartner: pack.savings.byPartner.map((p) => ({ ...partner(p), ...savings(p) })),
    },
    teckal: pack.teckal && {
      years: pack.teckal.years.map((y) => ({
        financialYear: y.financialYear,
        turnover: pounds(y.turnoverPence),
        others: pounds(y.othersPence),
        sharePercent: formatPounds(y.shareBasisPoints),
      })),
      turnover: pounds(pack.teckal.turnoverPence),
      others: pounds(pack.teckal.othersPence),
      sharePercent: formatPounds(pack.teckal.shareBasisPoints),
      limitPercent: formatPounds(pack.teckal.limitBasisPoints),
      status: pack.teckal.status,
    },
  };
}

export const reportsApi: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (
  app,
  { reports },
) => {
  app.get(
    '/report-packs/:quarter',
    {
      schema: {
        summary: 'A quarterly report pack: SLA performance, volumes, charges, savings against plan, Teckal',
        description:
          'For the host’s executives, finance officers and platform administrators the partnership’s pack, or ' +
          'one partner’s with organisation=CODE; for a partner’s managers their own organisation’s (any other ' +
          'organisation is not found). quarter: a calendar quarter, 2026-Q3 (July to September). The Teckal ' +
          'indicator is in the partnership’s pack for those who may read it, otherwise null.',
        tags: ['planning'],
        params: Type.Object({ quarter: Type.String({ maxLength: 16 }) }),
        querystring: Type.Object(
          { organisation: Type.Optional(Type.String({ maxLength: 16 })) },
          { additionalProperties: false },
        ),
        response: {
          200: PackSchema,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      presentPack(
        await reports.pack(callerOf(request), {
          quarter: request.params.quarter,
          organisation: request.query.organisation,
        }),
      ),
  );
};
