import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled } from '../../../platform/api/index.js';
import type { Person } from './service-lines.repository.js';
import type { ServiceLinesService } from './service-lines.service.js';
import {
  LineParams,
  LineSchema,
  ManagerBody,
  ManagerParams,
  ManagersSchema,
  ServiceLineBody,
  TeamBody,
  TeamParams,
  TeamsSchema,
} from './service-lines.schemas.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const presentManagers = (people: Person[]) => ({
  data: people.map((p) => ({ id: p.id, name: p.name, email: p.email })),
});

export const serviceLinesApi: FastifyPluginAsyncTypebox<{ serviceLines: ServiceLinesService }> = async (
  app,
  options,
) => {
  const { serviceLines } = options;

  app.get(
    '/catalogue/service-lines',
    {
      schema: {
        summary: 'Service lines the caller sees, with their teams',
        tags: ['catalogue'],
        response: { 200: Type.Object({ data: Type.Array(LineSchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({
      data: (await serviceLines.list(callerOf(request))).map((l) => ({
        code: l.code,
        name: l.name,
        teams: l.teams,
        managed: l.managed,
      })),
    }),
  );

  app.post(
    '/catalogue/service-lines',
    {
      schema: {
        summary: 'Add a service line (service managers of the host); the caller maintains it',
        tags: ['catalogue'],
        body: ServiceLineBody,
        response: { 201: LineSchema, ...errors },
      },
    },
    async (request, reply) => {
      const line = await serviceLines.add(callerOf(request), filled(request.body));
      return reply.status(201).send({ code: line.code, name: line.name, teams: line.teams, managed: true });
    },
  );

  app.get(
    '/catalogue/service-lines/:code/managers',
    {
      schema: {
        summary: "Who manages a service line (the host's staff and platform administrators)",
        tags: ['catalogue'],
        params: LineParams,
        response: { 200: ManagersSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      presentManagers((await serviceLines.view(callerOf(request), request.params.code)).managers),
  );

  app.post(
    '/catalogue/service-lines/:code/managers',
    {
      schema: {
        summary: "Add a manager to a service line (platform administrators and the line's managers)",
        description:
          'Only a service manager of the host may be added (ERR_NOT_A_SERVICE_MANAGER otherwise). Answers with every manager.',
        tags: ['catalogue'],
        params: LineParams,
        body: ManagerBody,
        response: { 201: ManagersSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          presentManagers(
            await serviceLines.addManager(callerOf(request), request.params.code, request.body),
          ),
        ),
  );

  app.delete(
    '/catalogue/service-lines/:code/managers/:userId',
    {
      schema: {
        summary: "Take a manager off a service line (platform administrators and the line's managers)",
        description: 'The last manager stays (ERR_LAST_MANAGER). Answers with the managers left.',
        tags: ['catalogue'],
        params: ManagerParams,
        response: { 200: ManagersSchema, ...errors },
      },
    },
    async (request) =>
      presentManagers(
        await serviceLines.removeManager(callerOf(request), request.params.code, request.params.userId),
      ),
  );

  app.post(
    '/catalogue/service-lines/:code/teams',
    {
      schema: {
        summary: "Add a team to a service line (platform administrators and the line's managers)",
        description:
          'Team names are unique within a line whatever their case (ERR_TEAM_NAME_TAKEN otherwise). Answers with every team.',
        tags: ['catalogue'],
        params: LineParams,
        body: TeamBody,
        response: { 201: TeamsSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send({ data: await serviceLines.addTeam(callerOf(request), request.params.code, request.body) }),
  );

  app.delete(
    '/catalogue/service-lines/:code/teams/:name',
    {
      schema: {
        summary: "Take a team off a service line (platform administrators and the line's managers)",
        description: 'The name must match exactly (ERR_NOT_FOUND otherwise).',
        tags: ['catalogue'],
        params: TeamParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await serviceLines.removeTeam(callerOf(request), request.params.code, request.params.name);
      return reply.status(204).send(null);
    },
  );
};
