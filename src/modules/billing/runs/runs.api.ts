import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import { RunSchema, StatementSchema, presentRun } from '../billing.schemas.js';
import { journalCsv, statementLinesCsv } from '../statements/statements.csv.js';
import type { StatementsService } from '../statements/statements.service.js';
import type { RunsService } from './runs.service.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const Id = Type.Object({ id: Type.String() });
const Computed = Type.Object({
  run: RunSchema,
  changed: Type.Boolean({ description: 'Whether the statements differ from the previous computation’s' }),
});

export const runsApi: FastifyPluginAsyncTypebox<{
  runs: RunsService;
  statements: StatementsService;
}> = async (app, { runs, statements }) => {
  app.get(
    '/recharge-runs',
    {
      schema: {
        summary: 'Recharge runs (the host’s finance officers, executives and service managers)',
        tags: ['recharging'],
        querystring: Type.Object(
          { period: Type.Optional(Type.String({ maxLength: 10 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(RunSchema) }), ...errors },
      },
    },
    async (request) => ({ data: (await runs.list(callerOf(request), request.query.period)).map(presentRun) }),
  );

  app.post(
    '/recharge-runs',
    {
      schema: {
        summary: 'Start a recharge run for a period, computed at once as a draft (finance officers)',
        description:
          'period: a month (2026-10), a quarter (2026-Q3) or a financial year (2026-27). organisations: codes, all ' +
          'when left out. kind: charge (the default) or true_up (a financial year’s year-end true-up).',
        tags: ['recharging'],
        body: Type.Object(
          {
            period: Type.String({ maxLength: 10 }),
            organisations: Type.Optional(Type.Array(Type.String({ maxLength: 16 }), { maxItems: 1000 })),
            kind: Type.Optional(Type.String({ enum: ['charge', 'true_up'] })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Computed, ...errors },
      },
    },
    async (request, reply) => {
      const result = await runs.create(callerOf(request), request.body);
      return reply.status(201).send({ run: presentRun(result.run), changed: result.changed });
    },
  );

  app.post(
    '/recharge-runs/corrections',
    {
      schema: {
        summary: 'Correct issued statements: a credit note and a new statement each, in a new draft run',
        tags: ['recharging'],
        body: Type.Object(
          { statements: Type.Array(Type.String({ maxLength: 30 }), { minItems: 1, maxItems: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Computed, ...errors },
      },
    },
    async (request, reply) => {
      const result = await runs.correct(callerOf(request), request.body.statements);
      return reply.status(201).send({ run: presentRun(result.run), changed: result.changed });
    },
  );

  app.get(
    '/recharge-runs/:id',
    {
      schema: {
        summary: 'One recharge run, with its unpriced usage, warnings and inputs',
        tags: ['recharging'],
        params: Id,
        response: { 200: RunSchema, ...errors },
      },
    },
    async (request) => presentRun(await runs.get(callerOf(request), request.params.id)),
  );

  for (const [action, summary] of [
    ['compute', 'Compute a draft again from the inputs as they now stand'],
    ['review', 'Mark a computed draft as reviewed'],
    ['issue', 'Issue a reviewed run: statements are numbered and can never change'],
  ] as const) {
    app.post(
      `/recharge-runs/:id/${action}`,
      {
        schema: {
          summary: `${summary} (finance officers)`,
          tags: ['recharging'],
          params: Id,
          response: { 200: action === 'compute' ? Computed : RunSchema, ...errors },
        },
      },
      async (request) => {
        const caller = callerOf(request);
        if (action === 'compute') {
          const result = await runs.compute(caller, request.params.id);
          return { run: presentRun(result.run), changed: result.changed };
        }
        const run =
          action === 'review'
            ? await runs.review(caller, request.params.id)
            : await runs.issue(caller, request.params.id);
        return presentRun(run);
      },
    );
  }

  app.delete(
    '/recharge-runs/:id',
    {
      schema: {
        summary: 'Discard a draft run (finance officers); an issued run cannot be',
        tags: ['recharging'],
        params: Id,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await runs.discard(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/recharge-runs/:id/statements',
    {
      schema: {
        summary: 'Every statement of a run with its lines; amounts in pence',
        tags: ['recharging'],
        params: Id,
        response: { 200: Type.Object({ data: Type.Array(StatementSchema) }), ...errors },
      },
    },
    async (request) => ({ data: await statements.ofRun(callerOf(request), request.params.id) }),
  );

  app.get(
    '/recharge-runs/:id/statements.csv',
    {
      schema: {
        summary: 'Every statement line of a run, as CSV',
        tags: ['recharging'],
        params: Id,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errors },
      },
    },
    async (request, reply) => {
      const csv = statementLinesCsv(await statements.ofRun(callerOf(request), request.params.id));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="recharge-${request.params.id}.csv"`)
        .send(csv);
    },
  );

  app.get(
    '/recharge-runs/:id/journal.csv',
    {
      schema: {
        summary:
          'The journal for the ledger: cost centre, account, amount and narrative per statement and line',
        tags: ['recharging'],
        params: Id,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errors },
      },
    },
    async (request, reply) => {
      const csv = journalCsv(await statements.journal(callerOf(request), request.params.id));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="journal-${request.params.id}.csv"`)
        .send(csv);
    },
  );
};
