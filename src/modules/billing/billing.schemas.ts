import { Type } from '@fastify/type-provider-typebox';
import type { Arrangement } from './charging/charging.repository.js';
import type { Run } from './runs/runs.repository.js';
import { formatQuantity } from '../../kernel/quantity.js';

/** The API's shapes for billing. Amounts are whole pence (integers); quantities exact decimal strings. */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Source = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Where the line comes from: a usage selection, a pool and driver values, an arrangement',
});

export const ArrangementSchema = Type.Object({
  id: Type.String(),
  organisation: Nullable(Type.String()),
  serviceLine: Nullable(Type.String()),
  model: Type.String({ enum: ['per_unit', 'cost_pool', 'fixed_contribution', 'purchased_hours'] }),
  validFrom: Type.String({ format: 'date' }),
  validTo: Nullable(Type.String({ format: 'date' })),
  annualPence: Type.Union([Type.Integer(), Type.Null()]),
  blockHours: Nullable(Type.String()),
  hourRatePence: Type.Union([Type.Integer(), Type.Null()]),
  overageRatePence: Type.Union([Type.Integer(), Type.Null()]),
  toleranceBasisPoints: Type.Integer(),
  reviewPercent: Type.Integer(),
  version: Type.Integer(),
});

export function presentArrangement(a: Arrangement) {
  const pence = (value: bigint | null) => (value === null ? null : Number(value));
  return {
    id: a.id,
    organisation: a.orgCode,
    serviceLine: a.serviceLineCode,
    model: a.model,
    validFrom: a.validFrom,
    validTo: a.validTo,
    annualPence: pence(a.annualPence),
    blockHours: a.blockHours === null ? null : formatQuantity(a.blockHours),
    hourRatePence: pence(a.hourRatePence),
    overageRatePence: pence(a.overageRatePence),
    toleranceBasisPoints: a.toleranceBasisPoints,
    reviewPercent: a.reviewPercent,
    version: a.version,
  };
}

export const RunSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({ enum: ['charge', 'true_up', 'correction'] }),
  period: Type.String(),
  periodFrom: Type.String({ format: 'date' }),
  periodUntil: Type.String({ format: 'date', description: 'The day after the last' }),
  organisationIds: Type.Union([Type.Array(Type.String()), Type.Null()]),
  corrects: Type.Union([Type.Array(Type.String()), Type.Null()]),
  status: Type.String({ enum: ['draft', 'reviewed', 'issued'] }),
  computation: Type.Integer(),
  usageCutoff: Nullable(Type.String({ format: 'date-time' })),
  totalPence: Type.Integer(),
  statementCount: Type.Integer(),
  lineCount: Type.Integer(),
  contentSha256: Nullable(Type.String()),
  unpriced: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  warnings: Type.Array(
    Type.Object({ code: Type.String(), message: Type.String(), blocking: Type.Boolean() }),
  ),
  inputs: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  computedAt: Nullable(Type.String({ format: 'date-time' })),
  reviewedAt: Nullable(Type.String({ format: 'date-time' })),
  issuedAt: Nullable(Type.String({ format: 'date-time' })),
});

export function presentRun(run: Run) {
  const iso = (value: Date | null) => (value ? value.toISOString() : null);
  return {
    id: run.id,
    kind: run.kind,
    period: run.period,
    periodFrom: run.periodFrom,
    periodUntil: run.periodUntil,
    organisationIds: run.orgIds,
    corrects: run.corrects,
    status: run.status,
    computation: run.computation,
    usageCutoff: iso(run.usageCutoff),
    totalPence: Number(run.totalPence),
    statementCount: run.statementCount,
    lineCount: run.lineCount,
    contentSha256: run.contentSha256,
    unpriced: run.unpriced as unknown as Array<Record<string, unknown>>,
    warnings: run.warnings,
    inputs: run.inputs,
    createdAt: run.createdAt.toISOString(),
    computedAt: iso(run.computedAt),
    reviewedAt: iso(run.reviewedAt),
    issuedAt: iso(run.issuedAt),
  };
}

export const StatementLineSchema = Type.Object({
  line: Type.Integer(),
  kind: Type.String(),
  offering: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  description: Type.String(),
  quantity: Nullable(Type.String()),
  unit: Nullable(Type.String()),
  unitPricePence: Type.Union([Type.Integer(), Type.Null()]),
  amountPence: Type.Integer(),
  source: Source,
});

export const StatementSchema = Type.Object({
  number: Nullable(Type.String()),
  kind: Type.String({ enum: ['statement', 'credit_note'] }),
  status: Type.String(),
  runId: Type.String(),
  organisation: Type.Object({ code: Type.String(), name: Type.String() }),
  host: Type.Object({ code: Type.String(), name: Type.String() }),
  period: Type.String(),
  periodFrom: Type.String({ format: 'date' }),
  periodTo: Type.String({ format: 'date' }),
  corrects: Nullable(Type.String()),
  issuedAt: Nullable(Type.String({ format: 'date-time' })),
  totalPence: Type.Integer(),
  serviceLines: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      totalPence: Type.Integer(),
      lines: Type.Array(StatementLineSchema),
    }),
  ),
});

export const LineEventsSchema = Type.Object({
  line: StatementLineSchema,
  events: Type.Array(
    Type.Object({
      id: Type.String(),
      occurredAt: Type.String({ format: 'date-time' }),
      occurredOn: Type.String({ format: 'date' }),
      quantity: Type.String(),
      source: Type.String(),
      key: Type.String(),
      note: Nullable(Type.String()),
      requestId: Nullable(Type.String()),
      requestReference: Nullable(Type.String()),
      reverses: Nullable(Type.String()),
    }),
  ),
  totals: Type.Union([Type.Object({ events: Type.Integer(), quantity: Type.String() }), Type.Null()]),
  next: Nullable(Type.String()),
});
