import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { callerOf, formBody, formErrors, translate } from '../../../platform/web/index.js';
import { CodeParams } from '../catalogue.schemas.js';
import { notice, pageSchema, submit, type Values } from '../catalogue.pages.js';
import type { SlaPolicy } from './sla-policies.repository.js';
import type { SlaPoliciesService } from './sla-policies.service.js';
import { PAUSE_STATES, PRIORITIES, SlaPolicyBody, TARGET_UNITS } from './sla-policies.schemas.js';
import { targetRows } from './targets.js';

const TARGET_FIELDS = PRIORITIES.flatMap((p) => [`targets.${p}.response`, `targets.${p}.resolution`]);
const FIELDS = ['serviceLine', 'code', 'name', 'calendar', 'warningPercent', 'pauseStates', ...TARGET_FIELDS];
const IDS = {
  ...Object.fromEntries(
    PRIORITIES.flatMap((p) => [
      [`targets.${p}.response`, `${p}-response-value`],
      [`targets.${p}.resolution`, `${p}-resolution-value`],
    ]),
  ),
  pauseStates: 'pauseStates',
};
const reader = inputOf(SlaPolicyBody);

/** The policy form: each target as a value and a unit, per priority and kind (`high-response-value`). */
function policyFromForm(body: Values) {
  const field = (name: string) => body[name];
  const targets = Object.fromEntries(
    PRIORITIES.map((p) => [
      p,
      {
        response: { value: field(`${p}-response-value`), unit: field(`${p}-response-unit`) },
        resolution: { value: field(`${p}-resolution-value`), unit: field(`${p}-resolution-unit`) },
      },
    ]),
  );
  return reader.fromForm({ ...body, targets });
}

function valuesOf(policy: SlaPolicy): Values {
  return {
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
  };
}

const NEW_VALUES: Values = {
  warningPercent: '75',
  calendar: '',
  ...Object.fromEntries(
    PRIORITIES.flatMap((p) => [
      [`${p}-response-unit`, 'working_minutes'],
      [`${p}-resolution-unit`, 'working_days'],
    ]),
  ),
};

/** A target's problem names its priority and clock ("The high priority's response target …"). */
function withTargetNamed(errors: FieldErrors): FieldErrors {
  const named: FieldErrors = { ...errors };
  for (const p of PRIORITIES)
    for (const clock of ['response', 'resolution'] as const) {
      const name = `targets.${p}.${clock}`;
      if (named[name] === 'catalogue.errors.targetInvalid')
        named[name] = translate('catalogue.errors.targetInvalidFor', {
          priority: translate(`catalogue.priorities.${p}`).toLowerCase(),
          clock: translate(`catalogue.sla.${clock}`).toLowerCase(),
        });
    }
  return named;
}

export async function slaPoliciesRoutes(app: FastifyInstance, options: { slaPolicies: SlaPoliciesService }) {
  const { slaPolicies } = options;

  app.get('/catalogue/sla-policies', async (request, reply) => {
    const { policies, canAdd } = await slaPolicies.list(callerOf(request));
    return reply.page('catalogue/sla-policies/views/sla-policies.njk', {
      title: translate('catalogue.sla.title'),
      policies,
      canAdd,
    });
  });

  const policyForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { code?: string; values?: Values; errors?: FieldErrors },
  ) => {
    const { lines, calendars, policy } = await slaPolicies.form(callerOf(request), data.code);
    const { errorList, fields } = formErrors(withTargetNamed(data.errors ?? {}), FIELDS, IDS);
    const values = data.values
      ? { ...data.values, pauseStates: [data.values.pauseStates ?? []].flat() }
      : policy
        ? valuesOf(policy)
        : NEW_VALUES;
    return reply.status(data.errors ? 400 : 200).page('catalogue/sla-policies/views/sla-policy-form.njk', {
      title: translate(data.code ? 'catalogue.sla.edit' : 'catalogue.sla.add'),
      action: data.code ? `/catalogue/sla-policies/${data.code}` : '/catalogue/sla-policies',
      code: data.code,
      values,
      lines,
      calendars,
      priorities: PRIORITIES,
      targetUnits: TARGET_UNITS,
      pauseStates: PAUSE_STATES,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/sla-policies/new', (request, reply) => policyForm(request, reply, {}));

  app.post('/catalogue/sla-policies', async (request, reply) => {
    const body = formBody(request);
    return submit(
      reply,
      policyFromForm(body),
      async (input) =>
        `/catalogue/sla-policies/${(await slaPolicies.add(callerOf(request), input)).code}?added=1`,
      (errors) => policyForm(request, reply, { values: body, errors }),
    );
  });

  app.get('/catalogue/sla-policies/:code', pageSchema(CodeParams), async (request, reply) => {
    const policy = await slaPolicies.get(callerOf(request), (request.params as { code: string }).code);
    return reply.page('catalogue/sla-policies/views/sla-policy.njk', {
      title: policy.name,
      policy: { ...policy, targetRows: targetRows(policy.targets) },
      notice: notice(request, { added: 'catalogue.sla.added', saved: 'catalogue.sla.saved' }),
    });
  });

  app.get('/catalogue/sla-policies/:code/edit', pageSchema(CodeParams), (request, reply) =>
    policyForm(request, reply, { code: (request.params as { code: string }).code }),
  );

  app.post('/catalogue/sla-policies/:code', pageSchema(CodeParams), async (request, reply) => {
    const { code } = request.params as { code: string };
    const body = formBody(request);
    return submit(
      reply,
      policyFromForm({ ...body, code }),
      async (input) =>
        `/catalogue/sla-policies/${(await slaPolicies.change(callerOf(request), code, input)).code}?saved=1`,
      (errors) => policyForm(request, reply, { code, values: { ...body, code }, errors }),
    );
  });
}
