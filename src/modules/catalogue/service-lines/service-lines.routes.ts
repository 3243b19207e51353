import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { callerOf, formBody, formErrors, translate } from '../../../platform/web/index.js';
import { cataloguePolicy as policy } from '../catalogue.policy.js';
import { notice, pageSchema, submit, type Values } from '../catalogue.pages.js';
import type { ServiceLinesService } from './service-lines.service.js';
import {
  LineParams,
  ManagerBody,
  ManagerParams,
  ServiceLineBody,
  TeamBody,
  TeamParams,
} from './service-lines.schemas.js';

const lineInput = inputOf(ServiceLineBody);
const managerInput = inputOf(ManagerBody);
const teamInput = inputOf(TeamBody);

/** The teams box holds one team per line. */
const teamsOf = (body: Values) => ({
  ...body,
  teams: typeof body.teams === 'string' ? body.teams.split(/\r?\n/).filter((team) => team.trim()) : [],
});

export async function serviceLinesRoutes(
  app: FastifyInstance,
  options: { serviceLines: ServiceLinesService },
) {
  const { serviceLines } = options;

  const lineForm = (reply: FastifyReply, values: Values, errors?: FieldErrors) => {
    const { errorList, fields } = formErrors(errors ?? {}, ['code', 'name', 'teams']);
    return reply.status(errors ? 400 : 200).page('catalogue/service-lines/views/service-line-form.njk', {
      title: translate('catalogue.addServiceLine'),
      values,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/service-lines/new', async (request, reply) => {
    policy.addServiceLine(callerOf(request).principal);
    return lineForm(reply, {});
  });

  app.post('/catalogue/service-lines', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      lineInput.fromForm(teamsOf(body)),
      async (input) => {
        await serviceLines.add(callerOf(request), input);
        return '/catalogue?lineAdded=1';
      },
      async (errors) => lineForm(reply, body, errors),
    );
  });

  // One service line: its teams and managers, and who may manage it

  const linePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const view = await serviceLines.view(callerOf(request), code);
    const { errorList, fields } = formErrors(data.errors ?? {}, ['name', 'managers', 'email']);
    return reply.status(data.errors ? 400 : 200).page('catalogue/service-lines/views/service-line.njk', {
      title: view.line.name,
      view,
      values: data.values ?? {},
      errorList,
      fields,
      notice: notice(request, {
        managerAdded: 'catalogue.lineManagers.added',
        managerRemoved: 'catalogue.lineManagers.removed',
        teamAdded: 'catalogue.lineTeams.added',
        teamRemoved: 'catalogue.lineTeams.removed',
      }),
    });
  };

  app.get('/catalogue/service-lines/:code', pageSchema(LineParams), async (request, reply) =>
    linePage(request, reply, (request.params as { code: string }).code),
  );

  app.post('/catalogue/service-lines/:code/managers', pageSchema(LineParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      managerInput.fromForm(body),
      async (input) => {
        await serviceLines.addManager(callerOf(request), code, input);
        return `/catalogue/service-lines/${code}?managerAdded=1`;
      },
      (errors) => linePage(request, reply, code, { values: body, errors }),
    );
  });

  app.post(
    '/catalogue/service-lines/:code/managers/:userId/remove',
    pageSchema(ManagerParams),
    async (request, reply) => {
      const { code, userId } = request.params as { code: string; userId: string };
      return submit(
        reply,
        { value: userId },
        async (id) => {
          await serviceLines.removeManager(callerOf(request), code, id);
          return `/catalogue/service-lines/${code}?managerRemoved=1`;
        },
        (errors) => linePage(request, reply, code, { errors }),
      );
    },
  );

  app.post('/catalogue/service-lines/:code/teams', pageSchema(LineParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      teamInput.fromForm(body),
      async (team) => {
        await serviceLines.addTeam(callerOf(request), code, team);
        return `/catalogue/service-lines/${code}?teamAdded=1`;
      },
      (errors) => linePage(request, reply, code, { values: body, errors }),
    );
  });

  app.post(
    '/catalogue/service-lines/:code/teams/:name/remove',
    pageSchema(TeamParams),
    async (request, reply) => {
      const { code, name } = request.params as { code: string; name: string };
      return submit(
        reply,
        { value: name },
        async (team) => {
          await serviceLines.removeTeam(callerOf(request), code, team);
          return `/catalogue/service-lines/${code}?teamRemoved=1`;
        },
        (errors) => linePage(request, reply, code, { errors }),
      );
    },
  );
}
