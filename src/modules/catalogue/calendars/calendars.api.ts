import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled } from '../../../platform/api/index.js';
import { CodeParams } from '../catalogue.schemas.js';
import { calendarJson, type CalendarsService } from './calendars.service.js';
import { BetweenQuery, CalendarBody, CalendarSchema, DueQuery } from './calendars.schemas.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

export const calendarsApi: FastifyPluginAsyncTypebox<{ calendars: CalendarsService }> = async (
  app,
  options,
) => {
  const { calendars } = options;

  app.get(
    '/calendars',
    {
      schema: {
        summary: 'Working-time calendars the caller may see',
        tags: ['calendars'],
        response: { 200: Type.Object({ data: Type.Array(CalendarSchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ data: (await calendars.list(callerOf(request))).calendars.map(calendarJson) }),
  );

  app.post(
    '/calendars',
    {
      schema: {
        summary: 'Add a calendar (service managers)',
        tags: ['calendars'],
        body: CalendarBody,
        response: { 201: CalendarSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(calendarJson(await calendars.create(callerOf(request), filled(request.body)))),
  );

  app.get(
    '/calendars/:code',
    {
      schema: {
        summary: 'One calendar',
        tags: ['calendars'],
        params: CodeParams,
        response: { 200: CalendarSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => calendarJson(await calendars.get(callerOf(request), request.params.code)),
  );

  app.put(
    '/calendars/:code',
    {
      schema: {
        summary: 'Replace a calendar (service managers)',
        description: 'The code in the path names the calendar; a code in the body is ignored.',
        tags: ['calendars'],
        params: CodeParams,
        body: CalendarBody,
        response: { 200: CalendarSchema, ...errors },
      },
    },
    async (request) =>
      calendarJson(await calendars.replace(callerOf(request), request.params.code, filled(request.body))),
  );

  app.get(
    '/calendars/:code/due',
    {
      schema: {
        summary: 'When an amount of working time, started at an instant, will have elapsed',
        tags: ['calendars'],
        params: CodeParams,
        querystring: DueQuery,
        response: { 200: Type.Object({ due: Type.String({ format: 'date-time' }) }), ...errors },
      },
    },
    async (request) => ({
      due: (
        await calendars.due(callerOf(request), request.params.code, request.query.from, request.query.minutes)
      ).toISOString(),
    }),
  );

  app.get(
    '/calendars/:code/working-minutes',
    {
      schema: {
        summary: 'Working minutes between two instants',
        tags: ['calendars'],
        params: CodeParams,
        querystring: BetweenQuery,
        response: { 200: Type.Object({ minutes: Type.Number() }), ...errors },
      },
    },
    async (request) => ({
      minutes: await calendars.workingMinutes(
        callerOf(request),
        request.params.code,
        request.query.from,
        request.query.to,
      ),
    }),
  );
};
