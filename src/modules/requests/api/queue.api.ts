import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, signInFirst } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { RequestsService } from '../requests.service.js';
import {
  BulkAssignInput,
  BulkMoveInput,
  ImportInput,
  ImportRecord,
  QueueQuery,
} from '../requests.schemas.js';
import { BulkJson, ImportedJson, QueueJson } from './responses.js';
import { queueJson } from './present.js';
import { requestsValidator } from './requests.api.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** The service centre's side across requests: the queue, bulk changes from it, and imports. */
export const queueApi: FastifyPluginAsyncTypebox<{ requests: RequestsService }> = async (
  app,
  { requests },
) => {
  app.setValidatorCompiler(requestsValidator);
  signInFirst(app);

  app.get(
    '/queue',
    {
      schema: {
        summary: 'The agents’ queue: work still to do, soonest due first',
        description:
          'Filter by status, team (an id, `mine` or `none`), partner, offering, priority, assignee (an id, `me` or `none`), SLA state and text. Pages follow `nextCursor`.',
        tags: ['requests'],
        querystring: QueueQuery,
        response: { 200: QueueJson, ...errors },
      },
    },
    async (request) => queueJson(await requests.queue(callerOf(request), request.query)),
  );

  app.post(
    '/queue/assignments',
    {
      schema: {
        summary: 'Assign many requests at once',
        description:
          'Each request is assigned as if alone, in a unit of work of its own: the answer says for each whether it was (with its new version) or why not.',
        tags: ['requests'],
        body: BulkAssignInput,
        response: { 200: BulkJson, ...errors },
      },
    },
    async (request) => requests.bulkAssign(callerOf(request), request.body),
  );

  app.post(
    '/queue/moves',
    {
      schema: {
        summary: 'Move many requests to a team at once',
        description:
          'Each request is moved as if alone; the answer says for each whether it was, or why not.',
        tags: ['requests'],
        body: BulkMoveInput,
        response: { 200: BulkJson, ...errors },
      },
    },
    async (request) => requests.bulkMove(callerOf(request), request.body),
  );

  app.post(
    '/requests/import',
    {
      // The list is checked by the import itself, record by record, so that each problem is named by
      // its place in the file (`[3].events[2].to`); the schema below documents the records' shape.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      schema: {
        summary: 'Import a partner’s past requests, all or none',
        description:
          'A list of requests, each shaped as `items` below. References are kept; histories follow the status rules and clocks are replayed from them. Any problem rejects the whole file (400 ERR_IMPORT_REJECTED) with `details.problems`, each naming its place (`[3].events[2].to: …`). Platform administrators, or service managers for their lines.',
        tags: ['requests'],
        body: { ...ImportInput, items: ImportRecord },
        response: { 201: ImportedJson, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await requests.importRequests(callerOf(request), request.body)),
  );
};
