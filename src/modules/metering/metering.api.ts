import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../platform/web/index.js';
import { ErrorResponse } from '../../platform/api/index.js';
import { MAX_EVENTS_PER_CALL, type MeteringService } from './metering.service.js';

/**
 * Each field is checked by the use case rather than the schema, so that every bad event is named by
 * its index in one answer (the schema validator stops at the first problem).
 */
const UsageEventBody = Type.Object(
  {
    key: Type.Optional(
      Type.Unknown({
        description: 'Unique per organisation for events sent through the API (up to 200 characters)',
      }),
    ),
    organisation: Type.Optional(Type.Unknown({ description: 'The organisation charged, by code: WDC' })),
    offering: Type.Optional(Type.Unknown({ description: 'The offering, by code: IT-FAULT' })),
    quantity: Type.Optional(
      Type.Unknown({
        description: 'In the offering’s unit, up to 3 decimal places: "1.5". Negative only when reversing',
      }),
    ),
    occurredAt: Type.Optional(
      Type.Unknown({ description: 'ISO 8601 with a zone; its date in England decides the period and price' }),
    ),
    note: Type.Optional(Type.Unknown({ description: 'Up to 500 characters' })),
    requestReference: Type.Optional(
      Type.Unknown({ description: 'The request it comes from, if any: WDC-000123' }),
    ),
    reverses: Type.Optional(Type.Unknown({ description: 'The key of an event this one takes back whole' })),
  },
  { additionalProperties: false },
);

const UsageEventSchema = Type.Object({
  id: Type.String(),
  organisation: Type.Union([Type.String(), Type.Null()]),
  serviceLine: Type.Union([Type.String(), Type.Null()]),
  offering: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.String({ description: 'Exact decimal' }),
  occurredAt: Type.String({ format: 'date-time' }),
  occurredOn: Type.String({ format: 'date' }),
  pricedOn: Type.String({ format: 'date' }),
  source: Type.String(),
  key: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  requestReference: Type.Union([Type.String(), Type.Null()]),
  reverses: Type.Union([Type.String(), Type.Null()]),
  recordedAt: Type.String({ format: 'date-time' }),
});

const ListQuery = Type.Object(
  {
    organisation: Type.Optional(Type.String({ maxLength: 16 })),
    offering: Type.Optional(Type.String({ maxLength: 40 })),
    from: Type.Optional(Type.String({ description: 'First day, YYYY-MM-DD' })),
    to: Type.Optional(Type.String({ description: 'Last day, YYYY-MM-DD' })),
    after: Type.Optional(Type.String({ maxLength: 100, description: 'The `next` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

/** Enough for 10,000 events of a few hundred bytes each. */
const BODY_LIMIT = 8 * 1024 * 1024;

export const meteringApi: FastifyPluginAsyncTypebox<{ metering: MeteringService }> = async (app, options) => {
  const { metering } = options;

  app.post(
    '/usage-events',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        summary: 'Record usage (the host’s finance officers, and service managers for their lines)',
        description:
          `Up to ${MAX_EVENTS_PER_CALL.toLocaleString('en-GB')} events, all or none. An event whose key was recorded before ` +
          'with the same content is a duplicate and changes nothing; with other content the call fails with ' +
          'ERR_USAGE_KEY_CONFLICT (409). Any other problem fails it with ERR_USAGE_REJECTED (400), naming every bad ' +
          'event by its index.',
        tags: ['usage'],
        body: Type.Object(
          { events: Type.Array(UsageEventBody, { minItems: 1, maxItems: MAX_EVENTS_PER_CALL }) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            recorded: Type.Integer(),
            duplicates: Type.Integer(),
            events: Type.Array(
              Type.Object({
                index: Type.Integer(),
                key: Type.String(),
                id: Type.String(),
                status: Type.String({ enum: ['recorded', 'duplicate'] }),
              }),
            ),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
          409: ErrorResponse,
          413: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const events = await metering.record(callerOf(request), request.body.events);
      return reply.status(201).send({
        recorded: events.filter((event) => event.status === 'recorded').length,
        duplicates: events.filter((event) => event.status === 'duplicate').length,
        events: events.map((event, index) => ({ index, ...event })),
      });
    },
  );

  app.get(
    '/usage-events',
    {
      schema: {
        summary: 'Usage the caller may see, newest first',
        description:
          'Partners’ managers see their own organisation’s; the host’s finance officers and executives all; ' +
          'service managers the lines they manage.',
        tags: ['usage'],
        querystring: ListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(UsageEventSchema),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { events, next } = await metering.list(callerOf(request), request.query);
      return { data: events, next };
    },
  );

  app.get(
    '/usage-events.csv',
    {
      schema: {
        summary: 'Usage the caller may see, as CSV, oldest first',
        tags: ['usage'],
        querystring: Type.Omit(ListQuery, ['after', 'limit']),
        produces: ['text/csv'],
        response: {
          200: Type.String({ description: 'CSV with a header line' }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const chunks = await metering.exportCsv(callerOf(request), request.query);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="usage.csv"')
        .send(Readable.from(chunks) as unknown as string);
    },
  );
};
