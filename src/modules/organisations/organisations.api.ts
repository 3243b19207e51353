import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validationFailed } from '../../platform/errors.js';
import { callerOf } from '../../platform/web/index.js';
import { ErrorResponse, Uuid } from '../../platform/api/index.js';
import type { OrganisationsService } from './organisations.service.js';
import type { Organisation } from './organisations.repository.js';
import { DIVISIONS, ORG_KINDS, ORG_ROLES } from './organisations.schemas.js';

const OrganisationBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 16,
      description: 'Short unique code, e.g. MCC; capitals, digits, hyphens',
    }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Union(ORG_ROLES.map((value) => Type.Literal(value))),
    kind: Type.Union(ORG_KINDS.map((value) => Type.Literal(value))),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    bankHolidayDivision: Type.Union(DIVISIONS.map((value) => Type.Literal(value))),
  },
  { additionalProperties: false },
);

export const OrganisationSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  role: Type.String(),
  kind: Type.String(),
  parentId: Type.Union([Uuid, Type.Null()]),
  bankHolidayDivision: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

function present(org: Organisation) {
  return {
    id: org.id,
    code: org.code,
    name: org.name,
    role: org.role,
    kind: org.kind,
    parentId: org.parentId,
    bankHolidayDivision: org.bankHolidayDivision,
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
  };
}

export const organisationsApi: FastifyPluginAsyncTypebox<{ organisations: OrganisationsService }> = async (
  app,
  options,
) => {
  const { organisations } = options;
  const ctx = callerOf;
  const errors = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
  };

  app.get(
    '/organisations',
    {
      schema: {
        summary: 'Organisations the caller may see',
        description:
          'Platform administrators see every organisation; anyone else sees the one their token acts in.',
        tags: ['organisations'],
        response: { 200: Type.Object({ data: Type.Array(OrganisationSchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ data: (await organisations.list(ctx(request))).map(present) }),
  );

  app.get(
    '/organisations/:id',
    {
      schema: {
        summary: 'One organisation',
        tags: ['organisations'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: OrganisationSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => present(await organisations.get(ctx(request), request.params.id)),
  );

  app.post(
    '/organisations',
    {
      schema: {
        summary: 'Add an organisation (platform administrators)',
        tags: ['organisations'],
        body: OrganisationBody,
        response: { 201: OrganisationSchema, ...errors },
      },
    },
    async (request, reply) => {
      const org = await organisations.add(ctx(request), request.body);
      return reply.status(201).send(present(org));
    },
  );

  app.patch(
    '/organisations/:id',
    {
      schema: {
        summary: 'Change an organisation (platform administrators)',
        tags: ['organisations'],
        params: Type.Object({ id: Type.String() }),
        body: Type.Partial(OrganisationBody, { additionalProperties: false, minProperties: 1 }),
        response: { 200: OrganisationSchema, ...errors },
      },
    },
    async (request) => {
      const context = ctx(request);
      const current = await organisations.get(context, request.params.id);
      const merged = { ...present(current), ...request.body };
      if (merged.parentId === undefined)
        throw validationFailed({ parentId: 'organisations.errors.parentUnknown' });
      return present(await organisations.change(context, request.params.id, merged));
    },
  );
};
