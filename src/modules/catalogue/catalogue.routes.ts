import './catalogue.messages.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../../platform/errors.js';
import { fieldErrorsOf, formBody, formErrors, translate, callerOf } from '../../platform/web/index.js';
import { WEEKDAYS } from '../../kernel/working-time.js';
import { londonToday, type CatalogueService } from './catalogue.service.js';
import type { CalendarsService } from './calendars.service.js';
import type { AgreementsService } from './agreements.service.js';
import type { LineManagersService } from './line-managers.service.js';
import {
  DIVISIONS,
  PAUSE_STATES,
  PRIORITIES,
  STATUSES,
  TARGET_UNITS,
  UNITS,
  formFieldsText,
  intervalsText,
  parseFormFieldsText,
  parseIntervalsText,
  type Hours,
} from './catalogue.schemas.js';

const OFFERING_FIELDS = [
  'serviceLine',
  'code',
  'name',
  'description',
  'lgslId',
  'unit',
  'formFields',
  'slaPolicy',
  'approvalRequired',
  'status',
];
const VARIANT_FIELDS = ['name', 'description', 'hidden', 'extraFields', 'slaPolicy', 'organisation'];
const CALENDAR_FIELDS = [
  'code',
  'name',
  'organisation',
  'timeZone',
  ...WEEKDAYS.map((day) => `hours.${day}`),
  'hours',
  'holidays',
  'closures',
];
const CALENDAR_IDS = {
  ...Object.fromEntries(WEEKDAYS.map((day) => [`hours.${day}`, `hours-${day}`])),
  hours: 'hours-monday',
  holidays: 'holidays',
};
const TARGET_FIELDS = PRIORITIES.flatMap((p) => [`targets.${p}.response`, `targets.${p}.resolution`]);
const SLA_FIELDS = [
  'serviceLine',
  'code',
  'name',
  'calendar',
  'warningPercent',
  'pauseStates',
  ...TARGET_FIELDS,
];
const SLA_IDS = Object.fromEntries(
  PRIORITIES.flatMap((p) => [
    [`targets.${p}.response`, `${p}-response-value`],
    [`targets.${p}.resolution`, `${p}-resolution-value`],
  ]),
);

type Body = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) =>
  Array.isArray(value) ? value.map(str) : typeof value === 'string' ? [value] : [];

/** The form's question text, as the structured list the service checks; unreadable lines stay for it to reject. */
function withFields(body: Body, field: 'formFields' | 'extraFields'): Body {
  return { ...body, [field]: parseFormFieldsText(body[field]) };
}

function calendarInput(body: Body): { input: Body; errors: FieldErrors } {
  const hours: Hours = {};
  const errors: FieldErrors = {};
  for (const day of WEEKDAYS) {
    const intervals = parseIntervalsText(body[`hours-${day}`]);
    if (intervals === undefined) errors[`hours.${day}`] = 'catalogue.errors.intervalInvalid';
    else if (intervals.length) hours[day] = intervals;
  }
  const closures = str(body.closures)
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);
  return {
    input: {
      code: body.code,
      name: body.name,
      timeZone: str(body.timeZone),
      hours,
      holidays: str(body.holidays) || null,
      closures,
      organisation: str(body.organisation) || null,
    },
    errors,
  };
}

function slaInput(body: Body): Body {
  const targets = Object.fromEntries(
    PRIORITIES.map((p) => [
      p,
      {
        response: { value: str(body[`${p}-response-value`]).trim(), unit: body[`${p}-response-unit`] },
        resolution: { value: str(body[`${p}-resolution-value`]).trim(), unit: body[`${p}-resolution-unit`] },
      },
    ]),
  );
  return {
    serviceLine: body.serviceLine,
    code: body.code,
    name: body.name,
    calendar: body.calendar,
    warningPercent: str(body.warningPercent).trim(),
    pauseStates: list(body.pauseStates),
    targets,
  };
}

export async function catalogueRoutes(
  app: FastifyInstance,
  options: {
    catalogue: CatalogueService;
    calendars: CalendarsService;
    agreements: AgreementsService;
    lineManagers: LineManagersService;
  },
) {
  const { catalogue, calendars, agreements, lineManagers } = options;
  const ctx = callerOf;
  const notice = (request: FastifyRequest, keys: Record<string, string>) => {
    const query = request.query as Record<string, string | undefined>;
    const found = Object.keys(keys).find((key) => query[key]);
    return found ? translate(keys[found]!) : undefined;
  };

  /** Runs a change; on a problem with the input, re-renders the same form with the error summary. */
  const submit = async (
    reply: FastifyReply,
    change: () => Promise<string>,
    again: (errors: FieldErrors) => Promise<FastifyReply>,
  ) => {
    try {
      return reply.redirect(await change(), 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return again(errors);
    }
  };

  // The catalogue as the caller sees it

  app.get('/catalogue', async (request, reply) => {
    const context = ctx(request);
    const manager = await catalogue.isManager(context);
    const lines = manager ? (await catalogue.serviceLines(context)).filter((line) => line.managed) : [];
    const offerings = manager ? [] : await catalogue.offeringsFor(context);
    const groups = new Map<string, { code: string; name: string; offerings: typeof offerings }>();
    for (const offering of offerings) {
      const group = groups.get(offering.serviceLine.code) ?? {
        code: offering.serviceLine.code,
        name: offering.serviceLine.name,
        offerings: [],
      };
      group.offerings.push(offering);
      groups.set(offering.serviceLine.code, group);
    }
    return reply.page('catalogue/views/list.njk', {
      title: translate('catalogue.title'),
      manager,
      lines,
      groups: [...groups.values()],
      // The host's staff (and platform administrators, who act in it) may open each line's page.
      linesOpen: context.principal.org.role === 'host',
      notice: notice(request, { lineAdded: 'catalogue.serviceLineAdded' }),
    });
  });

  app.get('/catalogue/offerings/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const context = ctx(request);
    const manager = await catalogue.isManager(context);
    if (manager) {
      try {
        const view = await catalogue.manageOffering(context, code);
        return reply.page('catalogue/views/offering-manage.njk', {
          title: view.offering.name,
          view,
          notice: notice(request, { added: 'catalogue.offeringAdded', saved: 'catalogue.offeringSaved' }),
        });
      } catch (error) {
        // A manager of other lines sees this one as any member of the host does.
        if (!(error instanceof DomainError && error.code === 'ERR_FORBIDDEN')) throw error;
      }
    }
    const offering = await catalogue.offeringFor(context, code);
    return reply.page('catalogue/views/offering.njk', {
      title: offering.name,
      offering,
      priorities: PRIORITIES,
    });
  });

  // Standard offerings (service managers)

  const offeringForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { code?: string; values: Body; errors?: FieldErrors },
  ) => {
    const { lines, policies } = await catalogue.policiesForForm(ctx(request));
    const { errorList, fields } = formErrors(data.errors ?? {}, OFFERING_FIELDS, {
      approvalRequired: 'approvalRequired',
      status: 'status',
    });
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/offering-form.njk', {
      title: translate(data.code ? 'catalogue.editOffering' : 'catalogue.addOffering'),
      action: data.code ? `/catalogue/offerings/${data.code}` : '/catalogue/offerings',
      code: data.code,
      values: data.values,
      lines,
      policies,
      units: UNITS,
      statuses: STATUSES,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/offerings/new', (request, reply) =>
    offeringForm(request, reply, { values: { approvalRequired: 'no', status: 'active', unit: 'request' } }),
  );

  app.post('/catalogue/offerings', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      async () =>
        `/catalogue/offerings/${(await catalogue.addOffering(ctx(request), withFields(body, 'formFields'))).code}?added=1`,
      (errors) => offeringForm(request, reply, { values: body, errors }),
    );
  });

  app.get('/catalogue/offerings/:code/edit', async (request, reply) => {
    const { code } = request.params as { code: string };
    const { offering, slaPolicy } = await catalogue.manageOffering(ctx(request), code);
    return offeringForm(request, reply, {
      code: offering.code,
      values: {
        ...offering,
        serviceLine: offering.serviceLineCode,
        formFields: formFieldsText(offering.formFields),
        slaPolicy: slaPolicy?.code,
        approvalRequired: offering.approvalRequired ? 'yes' : 'no',
        lgslId: offering.lgslId ?? '',
      },
    });
  });

  app.post('/catalogue/offerings/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      async () =>
        `/catalogue/offerings/${(await catalogue.changeOffering(ctx(request), code, withFields(body, 'formFields'))).code}?saved=1`,
      (errors) => offeringForm(request, reply, { code: code.toUpperCase(), values: body, errors }),
    );
  });

  // Variants (service managers)

  const variantPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    partner: string,
    data: { values?: Body; errors?: FieldErrors } = {},
  ) => {
    const view = await catalogue.variantFor(ctx(request), code, partner);
    const { errorList, fields } = formErrors(data.errors ?? {}, VARIANT_FIELDS, { hidden: 'hidden' });
    const variant = view.variant;
    const values = data.values ?? {
      name: variant?.name ?? '',
      description: variant?.description ?? '',
      hidden: variant?.hidden ? 'yes' : '',
      extraFields: formFieldsText(variant?.extraFields ?? []),
      slaPolicy: view.policies.find((p) => p.id === variant?.slaPolicyId)?.code ?? '',
    };
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/variant.njk', {
      title: translate('catalogue.variants.editTitle', {
        offering: view.offering.name,
        partner: view.partner.name,
      }),
      view,
      values,
      errorList,
      fields,
      notice: notice(request, { saved: 'catalogue.variants.saved' }),
    });
  };

  app.get('/catalogue/offerings/:code/variants/:partner', async (request, reply) => {
    const { code, partner } = request.params as { code: string; partner: string };
    return variantPage(request, reply, code, partner);
  });

  app.post('/catalogue/offerings/:code/variants/:partner', async (request, reply) => {
    const { code, partner } = request.params as { code: string; partner: string };
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await catalogue.saveVariant(ctx(request), code, partner, {
          ...withFields(body, 'extraFields'),
          hidden: body.hidden === 'yes',
        });
        return `/catalogue/offerings/${code.toUpperCase()}/variants/${partner.toUpperCase()}?saved=1`;
      },
      (errors) => variantPage(request, reply, code, partner, { values: body, errors }),
    );
  });

  app.get('/catalogue/divergence', async (request, reply) => {
    const view = await catalogue.divergence(ctx(request));
    return reply.page('catalogue/views/divergence.njk', {
      title: translate('catalogue.divergence.title'),
      view,
    });
  });

  // Tariffs (service managers)

  const tariffsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: {
      csv?: string;
      errors?: FieldErrors;
      rows?: Array<{ line: number; field: string; message: string }>;
    } = {},
  ) => {
    const tariffs = await catalogue.tariffs(ctx(request));
    const { errorList, fields } = formErrors(data.errors ?? {}, ['csv']);
    const rows = (data.rows ?? []).map((row) => ({ ...row, text: translate(row.message) }));
    const query = request.query as Record<string, string | undefined>;
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/tariffs.njk', {
      title: translate('catalogue.tariffs.title'),
      tariffs,
      csv: data.csv ?? '',
      rows,
      // Each wrong row in the summary, by its line in the file, so nothing has to be hunted for.
      errorList: rows.length
        ? rows.map((row) => ({
            text: `${translate('catalogue.tariffs.line')} ${row.line}: ${row.text}`,
            href: '#csv',
          }))
        : errorList,
      fields,
      notice: query.imported
        ? translate('catalogue.tariffs.imported', { count: Number(query.imported) || 0 })
        : undefined,
    });
  };

  app.get('/catalogue/tariffs', (request, reply) => tariffsPage(request, reply));

  app.post('/catalogue/tariffs/import', async (request, reply) => {
    const csv = str(formBody(request).csv);
    try {
      const { added } = await catalogue.importTariffs(ctx(request), csv);
      return reply.redirect(`/catalogue/tariffs?imported=${added}`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const rows =
        error instanceof DomainError
          ? ((error.details?.rows as Array<{ line: number; field: string; message: string }>) ?? [])
          : [];
      return tariffsPage(request, reply, { csv, errors, rows });
    }
  });

  // Calendars

  app.get('/catalogue/calendars', async (request, reply) => {
    const context = ctx(request);
    return reply.page('catalogue/views/calendars.njk', {
      title: translate('catalogue.calendars.title'),
      calendars: await calendars.list(context),
      canAdd:
        (await calendars.partners(context)).length > 0 ||
        (context.principal.org.role === 'host' && context.principal.org.roles.includes('service_manager')),
    });
  });

  const calendarForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { code?: string; values: Body; errors?: FieldErrors },
  ) => {
    const context = ctx(request);
    const { errorList, fields } = formErrors(data.errors ?? {}, CALENDAR_FIELDS, CALENDAR_IDS);
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/calendar-form.njk', {
      title: translate(data.code ? 'catalogue.calendars.edit' : 'catalogue.calendars.add'),
      action: data.code ? `/catalogue/calendars/${data.code}` : '/catalogue/calendars',
      code: data.code,
      values: data.values,
      partners: await calendars.partners(context),
      weekdays: WEEKDAYS,
      divisions: DIVISIONS,
      errorList,
      fields,
    });
  };

  const requireCalendarManager = (request: FastifyRequest) => {
    const { principal } = ctx(request);
    if (principal.org.role !== 'host' || !principal.org.roles.includes('service_manager'))
      throw new DomainError('ERR_NOT_FOUND', 'Not found');
  };

  app.get('/catalogue/calendars/new', async (request, reply) => {
    requireCalendarManager(request);
    return calendarForm(request, reply, {
      values: { timeZone: 'Europe/London', holidays: 'england-and-wales' },
    });
  });

  app.post('/catalogue/calendars', async (request, reply) => {
    const body = formBody(request);
    const { input, errors } = calendarInput(body);
    if (Object.keys(errors).length) return calendarForm(request, reply, { values: body, errors });
    return submit(
      reply,
      async () => `/catalogue/calendars/${(await calendars.create(ctx(request), input)).code}?added=1`,
      (problems) => calendarForm(request, reply, { values: body, errors: problems }),
    );
  });

  app.get('/catalogue/calendars/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const query = request.query as Record<string, string | undefined>;
    const calendar = await calendars.get(ctx(request), code);
    let dueResult: { due?: Date; error?: string } | undefined;
    if (query.from !== undefined || query.minutes !== undefined) {
      try {
        dueResult = { due: await calendars.due(ctx(request), code, query.from, query.minutes) };
      } catch (error) {
        const errors = fieldErrorsOf(error);
        if (!errors) throw error;
        dueResult = { error: translate(Object.values(errors)[0] ?? 'catalogue.errors.instantFormat') };
      }
    }
    const errorList = dueResult?.error ? [{ text: dueResult.error, href: '#from' }] : [];
    return reply.status(dueResult?.error ? 400 : 200).page('catalogue/views/calendar.njk', {
      title: calendar.name,
      calendar,
      weekdays: WEEKDAYS,
      hours: Object.fromEntries(WEEKDAYS.map((day) => [day, intervalsText(calendar.hours[day])])),
      query,
      dueResult,
      errorList,
      notice: notice(request, { added: 'catalogue.calendars.added', saved: 'catalogue.calendars.saved' }),
    });
  });

  app.get('/catalogue/calendars/:code/edit', async (request, reply) => {
    requireCalendarManager(request);
    const { code } = request.params as { code: string };
    const calendar = await calendars.get(ctx(request), code);
    return calendarForm(request, reply, {
      code: calendar.code,
      values: {
        ...calendar,
        ...Object.fromEntries(WEEKDAYS.map((day) => [`hours-${day}`, intervalsText(calendar.hours[day])])),
        holidays: calendar.holidays ?? '',
        closures: calendar.closures.join('\n'),
        organisation: calendar.owner?.code ?? '',
      },
    });
  });

  app.post('/catalogue/calendars/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    const { input, errors } = calendarInput({ ...body, code });
    if (Object.keys(errors).length) return calendarForm(request, reply, { code, values: body, errors });
    return submit(
      reply,
      async () => `/catalogue/calendars/${(await calendars.replace(ctx(request), code, input)).code}?saved=1`,
      (problems) => calendarForm(request, reply, { code, values: body, errors: problems }),
    );
  });

  // SLA policies

  app.get('/catalogue/sla-policies', async (request, reply) => {
    const context = ctx(request);
    return reply.page('catalogue/views/sla-policies.njk', {
      title: translate('catalogue.sla.title'),
      policies: await catalogue.slaPolicies(context),
      canAdd: await catalogue.isManager(context),
      priorities: PRIORITIES,
    });
  });

  const slaForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { code?: string; values: Body; errors?: FieldErrors },
  ) => {
    const context = ctx(request);
    const { lines } = await catalogue.policiesForForm(context);
    const { errorList, fields } = formErrors(data.errors ?? {}, SLA_FIELDS, {
      ...SLA_IDS,
      pauseStates: 'pauseStates',
    });
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/sla-policy-form.njk', {
      title: translate(data.code ? 'catalogue.sla.edit' : 'catalogue.sla.add'),
      action: data.code ? `/catalogue/sla-policies/${data.code}` : '/catalogue/sla-policies',
      code: data.code,
      values: data.values,
      lines,
      calendars: await calendars.list(context),
      priorities: PRIORITIES,
      targetUnits: TARGET_UNITS,
      pauseStates: PAUSE_STATES,
      errorList,
      fields,
    });
  };

  const slaValues = (policy: Awaited<ReturnType<CatalogueService['slaPolicy']>>): Body => ({
    serviceLine: policy.serviceLineCode,
    code: policy.code,
    name: policy.name,
    calendar: policy.calendarCode,
    warningPercent: String(policy.warningPercent),
    pauseStates: policy.pauseStates,
    ...Object.fromEntries(
      PRIORITIES.flatMap((p) => [
        [`${p}-response-value`, String(policy.targets[p].response.value)],
        [`${p}-response-unit`, policy.targets[p].response.unit],
        [`${p}-resolution-value`, String(policy.targets[p].resolution.value)],
        [`${p}-resolution-unit`, policy.targets[p].resolution.unit],
      ]),
    ),
  });

  app.get('/catalogue/sla-policies/new', (request, reply) =>
    slaForm(request, reply, {
      values: {
        warningPercent: '75',
        calendar: '',
        ...Object.fromEntries(
          PRIORITIES.flatMap((p) => [
            [`${p}-response-unit`, 'working_minutes'],
            [`${p}-resolution-unit`, 'working_days'],
          ]),
        ),
      },
    }),
  );

  app.post('/catalogue/sla-policies', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      async () =>
        `/catalogue/sla-policies/${(await catalogue.saveSlaPolicy(ctx(request), slaInput(body))).code}?added=1`,
      (errors) =>
        slaForm(request, reply, { values: { ...body, pauseStates: list(body.pauseStates) }, errors }),
    );
  });

  app.get('/catalogue/sla-policies/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const policy = await catalogue.slaPolicy(ctx(request), code);
    return reply.page('catalogue/views/sla-policy.njk', {
      title: policy.name,
      policy,
      priorities: PRIORITIES,
      notice: notice(request, { added: 'catalogue.sla.added', saved: 'catalogue.sla.saved' }),
    });
  });

  app.get('/catalogue/sla-policies/:code/edit', async (request, reply) => {
    const { code } = request.params as { code: string };
    const policy = await catalogue.slaPolicy(ctx(request), code);
    if (!policy.managed) throw new DomainError('ERR_NOT_FOUND', 'Not found');
    return slaForm(request, reply, { code: policy.code, values: slaValues(policy) });
  });

  app.post('/catalogue/sla-policies/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      async () =>
        `/catalogue/sla-policies/${(await catalogue.saveSlaPolicy(ctx(request), slaInput(body), code)).code}?saved=1`,
      (errors) =>
        slaForm(request, reply, {
          code: code.toUpperCase(),
          values: { ...body, code, pauseStates: list(body.pauseStates) },
          errors,
        }),
    );
  });

  // Service lines

  const lineForm = (reply: FastifyReply, values: Body, errors?: FieldErrors) => {
    const { errorList, fields } = formErrors(errors ?? {}, ['code', 'name', 'teams']);
    return reply.status(errors ? 400 : 200).page('catalogue/views/service-line-form.njk', {
      title: translate('catalogue.addServiceLine'),
      values,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/service-lines/new', async (request, reply) => {
    requireCalendarManager(request);
    return lineForm(reply, {});
  });

  app.post('/catalogue/service-lines', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await catalogue.addServiceLine(ctx(request), body);
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
    data: { values?: Body; errors?: FieldErrors } = {},
  ) => {
    const view = await lineManagers.view(ctx(request), code);
    const { errorList, fields } = formErrors(data.errors ?? {}, ['name', 'managers', 'email']);
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/service-line.njk', {
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

  app.get('/catalogue/service-lines/:code', async (request, reply) => {
    const { code } = request.params as { code: string };
    return linePage(request, reply, code);
  });

  app.post('/catalogue/service-lines/:code/managers', async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await lineManagers.add(ctx(request), code, { email: body.email });
        return `/catalogue/service-lines/${code.toUpperCase()}?managerAdded=1`;
      },
      (errors) => linePage(request, reply, code, { values: body, errors }),
    );
  });

  app.post('/catalogue/service-lines/:code/managers/:userId/remove', async (request, reply) => {
    const { code, userId } = request.params as { code: string; userId: string };
    return submit(
      reply,
      async () => {
        await lineManagers.remove(ctx(request), code, userId);
        return `/catalogue/service-lines/${code.toUpperCase()}?managerRemoved=1`;
      },
      (errors) => linePage(request, reply, code, { errors }),
    );
  });

  app.post('/catalogue/service-lines/:code/teams', async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await lineManagers.addTeam(ctx(request), code, { name: body.name });
        return `/catalogue/service-lines/${code.toUpperCase()}?teamAdded=1`;
      },
      (errors) => linePage(request, reply, code, { values: body, errors }),
    );
  });

  app.post('/catalogue/service-lines/:code/teams/:name/remove', async (request, reply) => {
    const { code, name } = request.params as { code: string; name: string };
    return submit(
      reply,
      async () => {
        await lineManagers.removeTeam(ctx(request), code, name);
        return `/catalogue/service-lines/${code.toUpperCase()}?teamRemoved=1`;
      },
      (errors) => linePage(request, reply, code, { errors }),
    );
  });

  // Agreements: which service lines a partner takes (platform administrators)

  const agreementsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    data: { values?: Body; errors?: FieldErrors } = {},
  ) => {
    const view = await agreements.list(ctx(request), id);
    const { errorList, fields } = formErrors(data.errors ?? {}, ['serviceLine', 'validFrom', 'validTo']);
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/agreements.njk', {
      title: translate('catalogue.agreements.title'),
      view,
      values: data.values ?? { validFrom: londonToday() },
      errorList,
      fields,
      notice: notice(request, { added: 'catalogue.agreements.added', ended: 'catalogue.agreements.ended' }),
    });
  };

  app.get('/organisations/:id/service-lines', async (request, reply) => {
    const { id } = request.params as { id: string };
    return agreementsPage(request, reply, id);
  });

  app.post('/organisations/:id/service-lines', async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await agreements.add(ctx(request), id, body);
        return `/organisations/${id}/service-lines?added=1`;
      },
      (errors) => agreementsPage(request, reply, id, { values: body, errors }),
    );
  });

  const endPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    agreementId: string,
    data: { values?: Body; errors?: FieldErrors } = {},
  ) => {
    const { organisation, agreement } = await agreements.get(ctx(request), id, agreementId);
    const { errorList, fields } = formErrors(data.errors ?? {}, ['validTo']);
    return reply.status(data.errors ? 400 : 200).page('catalogue/views/agreement-end.njk', {
      title: translate('catalogue.agreements.endTitle', {
        line: agreement.serviceLineName,
        organisation: organisation.name,
      }),
      organisation,
      agreement,
      values: data.values ?? { validTo: agreement.validTo ?? '' },
      errorList,
      fields,
    });
  };

  app.get('/organisations/:id/service-lines/:agreementId/end', async (request, reply) => {
    const { id, agreementId } = request.params as { id: string; agreementId: string };
    return endPage(request, reply, id, agreementId);
  });

  app.post('/organisations/:id/service-lines/:agreementId/end', async (request, reply) => {
    const { id, agreementId } = request.params as { id: string; agreementId: string };
    const body = formBody(request);
    return submit(
      reply,
      async () => {
        await agreements.end(ctx(request), id, agreementId, body.validTo);
        return `/organisations/${id}/service-lines?ended=1`;
      },
      (errors) => endPage(request, reply, id, agreementId, { values: body, errors }),
    );
  });
}
