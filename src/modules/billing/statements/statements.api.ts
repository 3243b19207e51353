import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import { LineEventsSchema, StatementSchema } from '../billing.schemas.js';
import { statementLinesCsv } from './statements.csv.js';
import { statementPdf } from './statements.pdf.js';
import type { JournalService } from './journal.service.js';
import type { StatementRef, StatementView, StatementsService } from './statements.service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const Page = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
const DraftQuery = Type.Object(
  { kind: Type.Optional(Type.String({ enum: ['statement', 'credit_note'] })) },
  { additionalProperties: false },
);

function fileName(view: StatementView): string {
  return `${view.number ?? `draft-${view.organisation.code}-${view.period}`}`;
}

/** A statement as a CSV of its lines (a download) or its PDF (shown in the browser). */
export async function sendStatement(reply: FastifyReply, view: StatementView, format: 'csv' | 'pdf') {
  if (format === 'csv')
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName(view)}.csv"`)
      .send(statementLinesCsv([view]));
  return reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${fileName(view)}.pdf"`)
    .send(await statementPdf(view));
}

export const statementsApi: FastifyPluginAsyncTypebox<{
  statements: StatementsService;
  journal: JournalService;
}> = async (app, { statements, journal }) => {
  /** The same routes for an issued statement (by number) and, for the host, a draft's (by run and organisation). */
  const routes = (
    prefix: string,
    refOf: (params: Record<string, string>, query: { kind?: string }) => StatementRef,
    paramProperties: Record<string, ReturnType<typeof Type.String>>,
  ) => {
    const params = Type.Object(paramProperties);
    app.get(
      prefix,
      {
        schema: {
          summary: 'A statement with its lines grouped by service line; amounts in pence',
          tags: ['recharging'],
          params,
          querystring: DraftQuery,
          response: { 200: StatementSchema, ...errors },
        },
      },
      async (request) =>
        statements.get(callerOf(request), refOf(request.params as Record<string, string>, request.query)),
    );
    for (const format of ['csv', 'pdf'] as const)
      app.get(
        `${prefix}/${format}`,
        {
          schema: {
            summary: format === 'csv' ? 'A statement’s lines as CSV' : 'A statement as a tagged PDF',
            tags: ['recharging'],
            params,
            querystring: DraftQuery,
            produces: [format === 'csv' ? 'text/csv' : 'application/pdf'],
            response: { 200: Type.String(), ...errors },
          },
        },
        async (request, reply) =>
          sendStatement(
            reply,
            await statements.get(
              callerOf(request),
              refOf(request.params as Record<string, string>, request.query),
            ),
            format,
          ),
      );
    app.get(
      `${prefix}/lines/:line/events`,
      {
        schema: {
          summary: 'The events behind one line: from a total to the single request',
          description:
            'Found by the query the line keeps (organisation, offerings, the days of its price, the period and the ' +
            'run’s cut-off). A pool share has no events: its source names the pool and the driver values.',
          tags: ['recharging'],
          params: Type.Object({ ...paramProperties, line: Type.Integer({ minimum: 1 }) }),
          querystring: Type.Object(
            { ...Page.properties, ...DraftQuery.properties },
            { additionalProperties: false },
          ),
          response: { 200: LineEventsSchema, ...errors },
        },
      },
      async (request) => {
        const query = request.query;
        const routeParams = request.params as Record<string, string> & { line: number };
        return statements.lineEvents(
          callerOf(request),
          refOf(routeParams, query),
          Number(routeParams.line),
          query,
        );
      },
    );
  };

  app.get(
    '/statements',
    {
      schema: {
        summary: 'Issued statements: a partner’s managers see their own, the host’s readers all',
        tags: ['recharging'],
        querystring: Type.Object(
          { organisation: Type.Optional(Type.String({ maxLength: 16 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                number: Type.Union([Type.String(), Type.Null()]),
                kind: Type.String(),
                organisation: Type.String(),
                period: Type.String(),
                totalPence: Type.Integer(),
                corrects: Type.Union([Type.String(), Type.Null()]),
                issuedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({
      data: (await statements.list(callerOf(request), request.query)).map((s) => ({
        number: s.number,
        kind: s.kind,
        organisation: s.org_code,
        period: s.period,
        totalPence: Number(s.total_pence),
        corrects: s.corrects_number,
        issuedAt: s.issued_at ? s.issued_at.toISOString() : null,
      })),
    }),
  );

  routes('/statements/:number', (p) => ({ number: p.number! }), { number: Type.String({ maxLength: 30 }) });
  routes(
    '/recharge-runs/:id/statements/:organisation',
    (p, q) => ({
      runId: p.id!,
      organisation: p.organisation!,
      kind: q.kind === 'credit_note' ? 'credit_note' : 'statement',
    }),
    { id: Type.String(), organisation: Type.String({ maxLength: 16 }) },
  );

  app.get(
    '/journal-codes',
    {
      schema: {
        summary: 'Where each service line’s charges go in the ledger',
        tags: ['recharging'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({ serviceLine: Type.String(), costCentre: Type.String(), account: Type.String() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => ({ data: await journal.list(callerOf(request)) }),
  );

  app.put(
    '/journal-codes/:serviceLine',
    {
      schema: {
        summary: 'Set a service line’s cost centre and account (finance officers)',
        tags: ['recharging'],
        params: Type.Object({ serviceLine: Type.String({ maxLength: 16 }) }),
        body: Type.Object(
          { costCentre: Type.String({ maxLength: 20 }), account: Type.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await journal.set(callerOf(request), request.params.serviceLine, request.body);
      return reply.status(204).send(null);
    },
  );
};
