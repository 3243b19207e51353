/**
 * The requester's portal: raise a request (choose a service, answer its form, see the reference),
 * the list of requests the person may see, and a partner manager's approvals.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasRole } from '../../../platform/auth/index.js';
import { notFound } from '../../../platform/errors.js';
import { callerOf, formBody, translate } from '../../../platform/web/index.js';
import { REQUEST_STATUSES } from '../../../kernel/request-states.js';
import { requestsPolicy } from '../requests.policy.js';
import { multipartFormBody, uploadedFiles, type UploadedFile } from '../attachments/multipart.js';
import type { RequestSummary } from '../reading/read.js';
import {
  doneNotice,
  hidden,
  isDomain,
  pagination,
  queryValues,
  trailOf,
  words,
  type OfferingForPage,
  type RequestsPagesOptions,
} from './pages.deps.js';
import { clockTag, dueText, priorityText, readerOf, statusTag } from './present.js';
import {
  answerName,
  answerProblem,
  questionsOf,
  readRaiseForm,
  type Problem,
  type Question,
} from './raise-form.js';

const CODE = /^[A-Za-z][A-Za-z0-9-]{1,39}$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$/;

export async function portalRoutes(app: FastifyInstance, options: RequestsPagesOptions) {
  const { requests, offerings, attachments } = options;

  /** A list's rows, as the reader sees them. */
  const rowsOf = (request: FastifyRequest, items: RequestSummary[]) => {
    const principal = callerOf(request).principal;
    return items.map((item) => ({
      ...item,
      href: `/requests/${encodeURIComponent(item.reference)}`,
      statusTag: statusTag(item.status, readerOf(principal, item.requesterName)),
      slaTag: clockTag(item.resolutionState),
      dueText: dueText(item.due, item.resolutionState),
      priorityText: priorityText(item.priority),
    }));
  };

  app.get('/requests', hidden, async (request, reply) => {
    const caller = callerOf(request);
    const { principal } = caller;
    const filters = queryValues(request, ['status', 'q']);
    if (filters.status && !(REQUEST_STATUSES as readonly string[]).includes(filters.status))
      delete filters.status;
    const { cursor, before } = queryValues(request, ['cursor', 'before']);
    const trail = trailOf(before);
    const page = await requests.list(caller, { ...filters, cursor });
    const host = principal.org.role === 'host';
    const manager = !host && hasRole(principal, 'partner_manager');
    return reply.page('requests/pages/views/list.njk', {
      title: host
        ? words('titles.all')
        : manager
          ? words('titles.organisation', { organisation: principal.org.name })
          : words('titles.own'),
      rows: rowsOf(request, page.items),
      showRequester: host || manager,
      showOrganisation: host,
      mayRaise: !host && hasRole(principal, 'requester', 'partner_manager'),
      filters,
      statuses: REQUEST_STATUSES.map((status) => ({
        value: status,
        text: translate(`requests.statuses.${status}`),
        selected: filters.status === status,
      })),
      pagination: pagination('/requests', filters, cursor, trail, page.nextCursor),
    });
  });

  app.get('/approvals', hidden, async (request, reply) => {
    const caller = callerOf(request);
    requestsPolicy.approve(caller.principal);
    const { cursor, before } = queryValues(request, ['cursor', 'before']);
    const page = await requests.list(caller, { status: 'awaiting_approval', cursor });
    return reply.page('requests/pages/views/approvals.njk', {
      title: words('titles.approvals'),
      rows: rowsOf(request, page.items),
      pagination: pagination('/approvals', {}, cursor, trailOf(before), page.nextCursor),
    });
  });

  app.get('/requests/new', hidden, async (request, reply) => {
    const caller = callerOf(request);
    requestsPolicy.raise(caller.principal);
    const groups = new Map<string, { name: string; offerings: OfferingForPage[] }>();
    for (const offering of await offerings.offeringsFor(caller)) {
      const group = groups.get(offering.serviceLine.code) ?? {
        name: offering.serviceLine.name,
        offerings: [],
      };
      group.offerings.push(offering);
      groups.set(offering.serviceLine.code, group);
    }
    return reply.page('requests/pages/views/choose.njk', {
      title: words('titles.choose'),
      groups: [...groups.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((group) => ({
          ...group,
          offerings: group.offerings
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((offering) => ({ ...offering, href: `/requests/new/${encodeURIComponent(offering.code)}` })),
        })),
    });
  });

  /** The offering named in the address, as the caller's organisation may request it. */
  const offeringOf = async (request: FastifyRequest) => {
    const caller = callerOf(request);
    requestsPolicy.raise(caller.principal);
    const { code } = request.params as { code: string };
    if (!CODE.test(code)) throw notFound('That service');
    return offerings.offeringFor(caller, code.toUpperCase());
  };

  const showForm = (
    reply: FastifyReply,
    offering: OfferingForPage,
    data: {
      questions: Question[];
      values: Record<string, unknown>;
      problems?: Problem[];
      fields?: Record<string, { text: string }>;
    },
  ) =>
    reply.status(data.problems?.length ? 400 : 200).page('requests/pages/views/raise.njk', {
      title: words('form.title', { service: offering.name }),
      offering,
      action: `/requests/new/${encodeURIComponent(offering.code)}`,
      multipart: offering.formFields.some((field) => field.type === 'file'),
      questions: data.questions,
      values: data.values,
      errorList: data.problems ?? [],
      fields: data.fields ?? {},
      priorities: ['low', 'medium', 'high', 'critical'].map((value) => ({
        value,
        text: priorityText(value),
      })),
    });

  app.get('/requests/new/:code', hidden, async (request, reply) => {
    const offering = await offeringOf(request);
    return showForm(reply, offering, {
      questions: questionsOf(offering.formFields),
      values: { priority: 'medium' },
    });
  });

  app.post(
    '/requests/new/:code',
    {
      ...hidden,
      // A form with file questions is sent as multipart; the others as an ordinary form.
      preValidation: async (request) => {
        if (request.isMultipart()) await multipartFormBody(request);
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const offering = await offeringOf(request);
      const body = formBody(request);
      const files = request.isMultipart() ? uploadedFiles(request) : [];
      const byField = new Map<string, UploadedFile[]>();
      for (const file of files) byField.set(file.field, [...(byField.get(file.field) ?? []), file]);
      const form = readRaiseForm(offering.code, offering.formFields, body, new Set(byField.keys()));
      const again = (problems: Problem[]) => {
        const fields: Record<string, { text: string }> = { ...form.fields };
        for (const problem of problems) fields[problem.href.slice(1)] = { text: problem.text };
        for (const question of form.questions) question.error ??= fields[question.name]?.text;
        return showForm(reply, offering, {
          questions: form.questions,
          values: body,
          problems: [...form.problems, ...problems],
          fields,
        });
      };
      if (form.problems.length) return again([]);

      // Files are kept first (each question's on their own, so that a refused file names its question).
      const answers: Record<string, unknown> = { ...form.input.answers };
      for (const field of offering.formFields.filter((f) => f.type === 'file')) {
        const chosen = byField.get(answerName(field.key));
        if (!chosen?.length) continue;
        try {
          answers[field.key] = (await attachments.stage(caller, chosen)).map((file) => file.id);
        } catch (error) {
          const problem = isDomain(error)
            ? (error.details?.fields as Record<string, string> | undefined)?.file
            : undefined;
          if (!problem || !isDomain(error)) throw error;
          return again([
            {
              text: words('errors.fileField', { label: field.label, problem: translate(problem) }),
              href: `#${answerName(field.key)}`,
            },
          ]);
        }
      }

      try {
        const { view } = await requests.raise(caller, { ...form.input, answers });
        return reply.redirect(`/requests/${encodeURIComponent(view.reference)}/raised`, 303);
      } catch (error) {
        if (!isDomain(error, 'ERR_VALIDATION')) throw error;
        const fields = (error.details?.fields ?? {}) as Record<string, string>;
        const labels = (error.details?.labels ?? {}) as Record<string, string>;
        return again(
          Object.entries(fields).map(([name, key]) => {
            const answer = /^answers\.(.+)$/.exec(name)?.[1];
            return answer
              ? { text: answerProblem(key, labels[name] ?? answer), href: `#${answerName(answer)}` }
              : { text: translate(key), href: `#${name}` };
          }),
        );
      }
    },
  );

  app.get('/requests/:reference/raised', hidden, async (request, reply) => {
    const { reference } = request.params as { reference: string };
    if (!REFERENCE.test(reference)) throw notFound('That request');
    const view = await requests.get(callerOf(request), reference);
    return reply.page('requests/pages/views/raised.njk', {
      title: words('titles.raised'),
      view,
      href: `/requests/${encodeURIComponent(view.reference)}`,
      waitsForApproval: view.status === 'awaiting_approval',
      notice: doneNotice(request),
    });
  });
}
