import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { callerOf, signInFirst } from '../../../platform/web/index.js';
import { ErrorResponse, inputValidator } from '../../../platform/api/index.js';
import type { RequestsService } from '../requests.service.js';
import {
  ChangePriorityInput,
  ListQuery,
  NoteInput,
  OptionalReasonInput,
  PauseInput,
  RaiseInput,
  ReasonInput,
  REFERENCE,
  ReplyInput,
  ResolveInput,
  TimeEntryInput,
  AssignInput,
  MoveInput,
} from '../requests.schemas.js';
import { RequestJson, RequestListJson, TimeEntryJson } from './responses.js';
import { pageJson, requestJson, timeEntryJson } from './present.js';
import { expectedVersion, idempotencyKey, withETag } from './headers.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const ReferenceParams = Type.Object({
  reference: Type.String({ pattern: REFERENCE, description: 'The request’s reference (WDC-000123) or id' }),
});
const IfMatch = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag from GET: a change to a request changed since is refused (409 ERR_STALE)',
    }),
  ),
});

/** Route schemas read as inputs are (`inputOf`); a change sent with no body reads as `{}`. */
export const requestsValidator: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = inputValidator(route) as (
    data: unknown,
  ) => ReturnType<ReturnType<FastifySchemaCompiler<TSchema>>>;
  return (data: unknown) =>
    validate(route.httpPart === 'body' && (data === undefined || data === null) ? {} : data);
};

type Service = RequestsService;
type ActionRun = (
  service: Service,
  ...args: Parameters<Service['approve']>
) => ReturnType<Service['approve']>;

/** The changes made by `POST /requests/{reference}/actions/{name}`: each answers the request as it now is. */
const ACTIONS: Array<{ name: string; summary: string; body: TSchema; run: ActionRun }> = [
  {
    name: 'approve',
    summary: 'Approve a request awaiting approval (partner managers)',
    body: OptionalReasonInput,
    run: (s, ...a) => s.approve(...a),
  },
  {
    name: 'reject',
    summary: 'Reject a request awaiting approval, with a reason (partner managers)',
    body: ReasonInput,
    run: (s, ...a) => s.reject(...a),
  },
  {
    name: 'withdraw',
    summary: 'Withdraw a request not yet in progress (the requester’s side)',
    body: OptionalReasonInput,
    run: (s, ...a) => s.withdraw(...a),
  },
  {
    name: 'confirm',
    summary: 'Confirm that a resolved request is done: it closes (the requester’s side)',
    body: Type.Object({}, { additionalProperties: false }),
    run: (s, c, r, _b, o) => s.confirm(c, r, o),
  },
  {
    name: 'reopen',
    summary: 'Reopen a resolved request within the working days allowed, with a reason',
    body: ReasonInput,
    run: (s, ...a) => s.reopen(...a),
  },
  {
    name: 'pick-up',
    summary: 'Take a request: assigned to the caller, and an open one is in progress (agents)',
    body: Type.Object({}, { additionalProperties: false }),
    run: (s, c, r, _b, o) => s.pickUp(c, r, o),
  },
  {
    name: 'assign',
    summary: 'Assign a request: agents to themselves, team leads to anyone in a team they lead',
    body: AssignInput,
    run: (s, ...a) => s.assign(...a),
  },
  {
    name: 'move',
    summary: 'Move a request to another team of its service line (agents)',
    body: MoveInput,
    run: (s, ...a) => s.moveTeam(...a),
  },
  {
    name: 'change-priority',
    summary: 'Change the priority, with a reason; the clocks take the new targets from submission (agents)',
    body: ChangePriorityInput,
    run: (s, ...a) => s.changePriority(...a),
  },
  {
    name: 'pause',
    summary:
      'Put a request in progress waiting for the requester, a third party, or on hold, with a reason (agents)',
    body: PauseInput,
    run: (s, ...a) => s.pause(...a),
  },
  {
    name: 'resume',
    summary: 'Take a waiting request back into progress (agents)',
    body: OptionalReasonInput,
    run: (s, ...a) => s.resume(...a),
  },
  {
    name: 'resolve',
    summary: 'Resolve a request with a note for the requester (agents)',
    body: ResolveInput,
    run: (s, ...a) => s.resolve(...a),
  },
];

export const requestsApi: FastifyPluginAsyncTypebox<{ requests: RequestsService }> = async (
  app,
  { requests },
) => {
  app.setValidatorCompiler(requestsValidator);
  signInFirst(app);

  app.post(
    '/requests',
    {
      schema: {
        summary: 'Raise a request',
        description:
          'Requesters and partner managers of a partner raise a request from an offering their organisation takes, answering its form. ' +
          'With an Idempotency-Key, sending the same body again gives the same request (201) and adds nothing; the same key with another body is refused (409 ERR_IDEMPOTENCY_KEY_REUSED).',
        tags: ['requests'],
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        body: RaiseInput,
        response: { 201: RequestJson, ...errors },
      },
    },
    async (request, reply) => {
      const { view } = await requests.raise(callerOf(request), request.body, {
        idempotencyKey: idempotencyKey(request),
      });
      withETag(reply, view.version).header(
        'location',
        `/api/v1/requests/${encodeURIComponent(view.reference)}`,
      );
      return reply.status(201).send(requestJson(view));
    },
  );

  app.get(
    '/requests',
    {
      schema: {
        summary: 'The caller’s requests, newest first',
        description:
          'A requester sees their own, a partner manager every request of their organisation, the service centre every request made to it. Pages follow `nextCursor`.',
        tags: ['requests'],
        querystring: ListQuery,
        response: { 200: RequestListJson, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => pageJson(await requests.list(callerOf(request), request.query)),
  );

  app.get(
    '/requests/:reference',
    {
      schema: {
        summary: 'One request, with its timeline and both SLA clocks read now',
        description:
          'Another organisation’s request is not found (404), as one that does not exist. The service centre also sees who works it, internal notes and time. The ETag is the version.',
        tags: ['requests'],
        params: ReferenceParams,
        response: {
          200: RequestJson,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const view = await requests.get(callerOf(request), request.params.reference);
      withETag(reply, view.version);
      return requestJson(view);
    },
  );

  for (const action of ACTIONS) {
    app.post(
      `/requests/:reference/actions/${action.name}`,
      {
        schema: {
          summary: action.summary,
          description:
            'An impossible move answers 409 ERR_INVALID_TRANSITION; a stale If-Match 409 ERR_STALE.',
          tags: ['requests'],
          params: ReferenceParams,
          headers: IfMatch,
          body: action.body,
          response: { 200: RequestJson, ...errors },
        },
      },
      async (request, reply) => {
        const view = await action.run(requests, callerOf(request), request.params.reference, request.body, {
          expectedVersion: expectedVersion(request),
        });
        withETag(reply, view.version);
        return requestJson(view);
      },
    );
  }

  app.post(
    '/requests/:reference/comments',
    {
      schema: {
        summary: 'Reply publicly',
        description:
          'From the service centre a reply stops the response clock; with `awaitRequester` the request waits for the requester. From the requester’s side a reply to a request waiting for them puts it back in progress.',
        tags: ['requests'],
        params: ReferenceParams,
        headers: IfMatch,
        body: ReplyInput,
        response: { 201: RequestJson, ...errors },
      },
    },
    async (request, reply) => {
      const view = await requests.reply(callerOf(request), request.params.reference, request.body, {
        expectedVersion: expectedVersion(request),
      });
      return withETag(reply, view.version).status(201).send(requestJson(view));
    },
  );

  app.post(
    '/requests/:reference/notes',
    {
      schema: {
        summary: 'Add an internal note (the service centre only; never shown to the partner)',
        tags: ['requests'],
        params: ReferenceParams,
        headers: IfMatch,
        body: NoteInput,
        response: { 201: RequestJson, ...errors },
      },
    },
    async (request, reply) => {
      const view = await requests.addNote(callerOf(request), request.params.reference, request.body, {
        expectedVersion: expectedVersion(request),
      });
      return withETag(reply, view.version).status(201).send(requestJson(view));
    },
  );

  app.post(
    '/requests/:reference/time-entries',
    {
      schema: {
        summary: 'Record time spent on a request (the service centre only)',
        tags: ['requests'],
        params: ReferenceParams,
        body: TimeEntryInput,
        response: { 201: TimeEntryJson, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const entry = await requests.recordTime(caller, request.params.reference, request.body);
      return reply.status(201).send(timeEntryJson(entry, caller.principal.name));
    },
  );

  app.post(
    '/requests/:reference/time-entries/:entryId/reversal',
    {
      schema: {
        summary: 'Reverse a time entry: a new entry of the opposite sign (entries are never changed)',
        tags: ['requests'],
        params: Type.Object({ ...ReferenceParams.properties, entryId: Type.String({ format: 'uuid' }) }),
        response: { 201: TimeEntryJson, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const entry = await requests.reverseTime(caller, request.params.reference, request.params.entryId);
      return reply.status(201).send(timeEntryJson(entry, caller.principal.name));
    },
  );
};
