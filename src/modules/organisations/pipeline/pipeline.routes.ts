import './pipeline.messages.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf, inputValidator } from '../../../platform/api/index.js';
import {
  callerOf,
  datesAndErrors,
  submitForm,
  formBody,
  readDates,
  translate,
  type WantedDate,
} from '../../../platform/web/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { PARTNERSHIP_STAGES } from '../../../kernel/partnership-stages.js';
import { organisationsPolicy as policy } from '../organisations.policy.js';
import type { PipelineService } from './pipeline.service.js';
import type { Prospect } from './pipeline.repository.js';
import { MoveBody, PROSPECT_KINDS, ProspectBody, ProspectParams } from './pipeline.schemas.js';

type Values = Record<string, unknown>;
const written = inputOf(ProspectBody);
const moved = inputOf(MoveBody);
const t = (key: string, params: Record<string, string | number> = {}) => translate(`pipeline.${key}`, params);
const BASE = '/partnership/pipeline';

const NEXT_STEP_DUE: WantedDate = { name: 'nextStepDue', what: 'pipeline.nextStepDueWhat', optional: true };
const MOVED_ON: WantedDate = { name: 'movedOn', what: 'pipeline.movedOnWhat' };
const FORM_ORDER = ['name', 'kind', 'organisation', 'owner', 'nextStep', 'nextStepDue', 'notes'];
const versionIn = (body: Values) =>
  typeof body.version === 'string' && /^\d+$/.test(body.version) ? Number(body.version) : undefined;

/** The host's pipeline of partners, on pages: a board by stage, a table, and one page per body. */
export async function pipelineRoutes(app: FastifyInstance, options: { pipeline: PipelineService }) {
  const { pipeline } = options;
  app.setValidatorCompiler(inputValidator);

  app.get(BASE, async (request, reply) => {
    const { prospects, canKeep } = await pipeline.list(callerOf(request));
    const view = (request.query as Record<string, string | undefined>).view === 'table' ? 'table' : 'board';
    return reply.page('organisations/pipeline/views/pipeline.njk', {
      title: t('title'),
      view,
      canKeep,
      prospects,
      columns: PARTNERSHIP_STAGES.map((stage) => ({
        stage,
        prospects: prospects.filter((p) => p.stage === stage),
      })),
    });
  });

  const formPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    prospect: Prospect | undefined,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const { owners, organisations } = await pipeline.choices(callerOf(request));
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...NEXT_STEP_DUE, stored: prospect?.nextStepDue ?? null }],
      data.errors ?? {},
      FORM_ORDER,
    );
    const stored = (name: string, value: string | number | null | undefined) =>
      data.values ? (data.values[name] ?? '') : (value ?? '');
    return reply.status(data.errors ? 400 : 200).page('organisations/pipeline/views/prospect-form.njk', {
      title: prospect ? t('editTitle', { name: prospect.name }) : t('addTitle'),
      action: prospect ? `${BASE}/${prospect.id}/edit` : BASE,
      prospect,
      values: {
        name: stored('name', prospect?.name),
        kind: stored('kind', prospect?.kind),
        organisation: stored('organisation', prospect?.organisation?.code),
        owner: stored('owner', prospect?.owner?.email),
        nextStep: stored('nextStep', prospect?.nextStep),
        notes: stored('notes', prospect?.notes),
        version: stored('version', prospect?.version),
      },
      kinds: PROSPECT_KINDS,
      owners,
      organisations,
      dates,
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/new`, (request, reply) => {
    policy.keepPipeline(callerOf(request).principal);
    return formPage(request, reply, undefined);
  });

  const readForm = (body: Values) => {
    const read = readDates(body, [NEXT_STEP_DUE]);
    const blankIsNull = (name: string) => (body[name] === '' || body[name] === undefined ? null : body[name]);
    const input = written.fromForm({
      ...read.values,
      nextStepDue: read.values.nextStepDue === '' ? null : read.values.nextStepDue,
      organisation: blankIsNull('organisation'),
      owner: blankIsNull('owner'),
    });
    return { input, dateErrors: read.errors };
  };

  app.post(BASE, async (request, reply) => {
    policy.keepPipeline(callerOf(request).principal);
    const body = formBody(request);
    const again = (errors: FieldErrors) => formPage(request, reply, undefined, { values: body, errors });
    const { input, dateErrors } = readForm(body);
    if (input.errors || Object.keys(dateErrors).length) return again({ ...input.errors, ...dateErrors });
    return submitForm(
      reply,
      async () => `${BASE}/${(await pipeline.add(callerOf(request), input.value)).id}?done=added`,
      again,
    );
  });

  const prospectPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const { id } = request.params as { id: string };
    const { prospect, moves, next, context, canKeep } = await pipeline.get(callerOf(request), id);
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...MOVED_ON, stored: londonDate() }],
      data.errors ?? {},
      ['stage', 'movedOn', 'note'],
      { stage: `stage-${next[0] ?? 'prospect'}` },
    );
    const done = (request.query as Record<string, string | undefined>).done;
    return reply.status(data.errors ? 400 : 200).page('organisations/pipeline/views/prospect.njk', {
      title: prospect.name,
      prospect,
      moves,
      next,
      context,
      canKeep,
      values: { stage: data.values?.stage ?? '', note: data.values?.note ?? '' },
      dates,
      errorList,
      fields,
      notice:
        done === 'added'
          ? t('added')
          : done === 'changed'
            ? t('changed')
            : done === 'moved'
              ? t('moved', { stage: t(`stages.${prospect.stage}`) })
              : undefined,
    });
  };

  app.get(`${BASE}/:id`, { schema: { hide: true, params: ProspectParams } }, (request, reply) =>
    prospectPage(request, reply),
  );

  app.post(`${BASE}/:id/move`, { schema: { hide: true, params: ProspectParams } }, (request, reply) => {
    policy.keepPipeline(callerOf(request).principal);
    const { id } = request.params as { id: string };
    const body = formBody(request);
    const again = (errors: FieldErrors) => prospectPage(request, reply, { values: body, errors });
    const read = readDates(body, [MOVED_ON]);
    const input = moved.fromForm(read.values);
    if (input.errors || Object.keys(read.errors).length) return again({ ...input.errors, ...read.errors });
    return submitForm(
      reply,
      async () => {
        await pipeline.move(callerOf(request), id, input.value, versionIn(body));
        return `${BASE}/${id}?done=moved`;
      },
      again,
    );
  });

  const editPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    policy.keepPipeline(callerOf(request).principal);
    const { prospect } = await pipeline.get(callerOf(request), (request.params as { id: string }).id);
    return formPage(request, reply, prospect, data);
  };

  app.get(`${BASE}/:id/edit`, { schema: { hide: true, params: ProspectParams } }, (request, reply) =>
    editPage(request, reply),
  );

  app.post(`${BASE}/:id/edit`, { schema: { hide: true, params: ProspectParams } }, (request, reply) => {
    policy.keepPipeline(callerOf(request).principal);
    const { id } = request.params as { id: string };
    const body = formBody(request);
    const again = (errors: FieldErrors) => editPage(request, reply, { values: body, errors });
    const { input, dateErrors } = readForm(body);
    if (input.errors || Object.keys(dateErrors).length) return again({ ...input.errors, ...dateErrors });
    return submitForm(
      reply,
      async () => {
        await pipeline.change(callerOf(request), id, input.value, versionIn(body));
        return `${BASE}/${id}?done=changed`;
      },
      again,
    );
  });
}
