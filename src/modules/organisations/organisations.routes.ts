import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPlatformAdmin } from '../../platform/auth/index.js';
import { notFound } from '../../platform/errors.js';
import { fieldErrorsOf, formBody, formErrors, translate, callerOf } from '../../platform/web/index.js';
import type { OrganisationsService } from './organisations.service.js';
import { organisationsPolicy } from './organisations.policy.js';
import { DIVISIONS, ORG_KINDS, ORG_ROLES } from './organisations.schemas.js';

const FIELDS = ['code', 'name', 'role', 'kind', 'parentId', 'bankHolidayDivision'];
const FIRST_INPUT = { role: 'role', kind: 'kind', bankHolidayDivision: 'bankHolidayDivision' };

export async function organisationsRoutes(
  app: FastifyInstance,
  options: { organisations: OrganisationsService },
) {
  const { organisations } = options;
  const ctx = callerOf;

  const renderForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { id?: string; values: Record<string, unknown>; errors?: Record<string, string> },
  ) => {
    const context = ctx(request);
    if (!isPlatformAdmin(context.principal)) throw notFound();
    const parents = (await organisations.list(context)).filter((org) => org.id !== data.id);
    const { errorList, fields } = formErrors(data.errors ?? {}, FIELDS, FIRST_INPUT);
    return reply.status(data.errors ? 400 : 200).page('organisations/views/form.njk', {
      title: translate(data.id ? 'organisations.edit' : 'organisations.add'),
      action: data.id ? `/organisations/${data.id}` : '/organisations',
      id: data.id,
      values: data.values,
      parents,
      roles: ORG_ROLES,
      kinds: ORG_KINDS,
      divisions: DIVISIONS,
      errorList,
      fields,
    });
  };

  app.get('/organisations', async (request, reply) => {
    const context = ctx(request);
    const list = await organisations.list(context);
    return reply.page('organisations/views/list.njk', {
      title: translate('organisations.title'),
      organisations: list,
      canAdd: isPlatformAdmin(context.principal),
    });
  });

  app.get('/organisations/new', (request, reply) =>
    renderForm(request, reply, { values: { role: 'partner', bankHolidayDivision: 'england-and-wales' } }),
  );

  app.post('/organisations', async (request, reply) => {
    const body = formBody(request);
    try {
      const org = await organisations.add(ctx(request), body);
      return reply.redirect(`/organisations/${org.id}?added=1`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return renderForm(request, reply, { values: body, errors });
    }
  });

  app.get('/organisations/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const context = ctx(request);
    const org = await organisations.get(context, id);
    const query = request.query as Record<string, string | undefined>;
    return reply.page('organisations/views/show.njk', {
      title: org.name,
      org,
      canEdit: isPlatformAdmin(context.principal),
      canSeeAgreements: organisationsPolicy.canSeeAgreements(context.principal, org.id),
      canSeeTerms: organisationsPolicy.canReadTerms(context.principal, org.id),
      notice: query.added
        ? translate('organisations.created')
        : query.saved
          ? translate('organisations.updated')
          : undefined,
    });
  });

  app.get('/organisations/:id/edit', async (request, reply) => {
    const { id } = request.params as { id: string };
    const org = await organisations.get(ctx(request), id);
    return renderForm(request, reply, { id, values: { ...org } });
  });

  app.post('/organisations/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = formBody(request);
    try {
      await organisations.change(ctx(request), id, body);
      return reply.redirect(`/organisations/${id}?saved=1`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return renderForm(request, reply, { id, values: body, errors });
    }
  });
}
