import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../../platform/errors.js';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { AppraisalService, AppraisedCase } from './appraisal.service.js';
import type { CaseSummary } from './appraisal.repository.js';
import { caseBody } from './appraisal.input.js';
import { CaseBodySchema, CaseParams, CaseSchema, CaseSummarySchema } from './appraisal.schemas.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

const IfMatch = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag from GET: a case changed since is refused (409 ERR_STALE)' }),
  ),
});

/** The version an If-Match header names ("3", W/"3" or 3), or undefined when there is none. */
function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
  if (!match)
    throw new DomainError(
      'ERR_VALIDATION',
      'If-Match must be the ETag of the business case, as GET gave it',
      {
        fields: { 'if-match': 'must be the ETag GET gave, such as "3"' },
      },
    );
  return Number(match[1]);
}

function summary(found: CaseSummary) {
  return {
    id: found.id,
    title: found.title,
    baseYear: found.baseYear,
    horizonYears: found.horizonYears,
    status: found.status,
    preferred: found.preferred,
    version: found.version,
    createdAt: found.createdAt.toISOString(),
    updatedAt: found.updatedAt.toISOString(),
    approvedAt: found.approvedAt?.toISOString() ?? null,
  };
}

function present(found: AppraisedCase) {
  return { ...summary(found), case: caseBody(found.input), results: found.results };
}

/**
 * The body as it came: `readCase` reads it, naming each problem by its path in words of its own,
 * so the route's schema documents the shape but does not refuse it first.
 */
const asSent = () => (data: unknown) => ({ value: data });

export const appraisalApi: FastifyPluginAsyncTypebox<{ appraisal: AppraisalService }> = async (
  app,
  { appraisal },
) => {
  app.get(
    '/business-cases',
    {
      schema: {
        summary: 'Business cases (the host’s executives, finance officers and service managers)',
        tags: ['planning'],
        response: {
          200: Type.Object({ data: Type.Array(CaseSummarySchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({ data: (await appraisal.list(callerOf(request))).map(summary) }),
  );

  app.post(
    '/business-cases',
    {
      schema: {
        summary: 'Store a business case as a draft (executives and finance officers)',
        description:
          'The case file’s shape, as `tandem appraise` reads it. Every problem is named by its path ' +
          '(`options.1.costs.0.year`) in `details.fields`, 400 ERR_VALIDATION, and nothing is stored.',
        tags: ['planning'],
        body: CaseBodySchema,
        response: { 201: CaseSchema, ...errors },
      },
      validatorCompiler: asSent,
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const id = await appraisal.create(caller, request.body);
      const created = await appraisal.get(caller, id);
      return reply.status(201).header('etag', `"${created.version}"`).send(present(created));
    },
  );

  app.get(
    '/business-cases/:id',
    {
      schema: {
        summary: 'One business case with its appraisal',
        description:
          'Results per option (present values with optimism bias, NPSV, NPSV against business as usual, ' +
          'benefit–cost ratio, discounted payback year), the preferred option’s switching values and the discount ' +
          'factors, computed from the case as stored with its own discount schedule.',
        tags: ['planning'],
        params: CaseParams,
        response: { 200: CaseSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const found = await appraisal.get(callerOf(request), request.params.id);
      return reply.header('etag', `"${found.version}"`).send(present(found));
    },
  );

  app.put(
    '/business-cases/:id',
    {
      schema: {
        summary: 'Replace a draft business case whole (executives and finance officers)',
        description: 'An approved case never changes: 409 ERR_CASE_APPROVED.',
        tags: ['planning'],
        params: CaseParams,
        headers: IfMatch,
        body: CaseBodySchema,
        response: { 200: CaseSchema, ...errors },
      },
      validatorCompiler: asSent,
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await appraisal.replace(caller, request.params.id, request.body, expectedVersion(request));
      const found = await appraisal.get(caller, request.params.id);
      return reply.header('etag', `"${found.version}"`).send(present(found));
    },
  );

  app.post(
    '/business-cases/:id/approve',
    {
      schema: {
        summary: 'Approve a business case (executives)',
        description:
          'Fixes the case and its planned savings, which the savings ledger then measures against. An approved ' +
          'case never changes.',
        tags: ['planning'],
        params: CaseParams,
        headers: IfMatch,
        response: { 200: CaseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await appraisal.approve(caller, request.params.id, expectedVersion(request));
      const found = await appraisal.get(caller, request.params.id);
      return reply.header('etag', `"${found.version}"`).send(present(found));
    },
  );

  app.delete(
    '/business-cases/:id',
    {
      schema: {
        summary: 'Remove a draft business case (executives and finance officers)',
        tags: ['planning'],
        params: CaseParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await appraisal.remove(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
