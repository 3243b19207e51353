import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { callerOf, fieldErrorsOf, formBody, formatDate, translate } from '../../../platform/web/index.js';
import { formatPounds } from '../../../kernel/money.js';
import { planningPolicy, planningRole } from '../planning.policy.js';
import { pinErrors } from '../planning.forms.js';
import type { EvaluatedScenario, WhatIfService } from './what-if.service.js';
import { comparison, scenarioView } from './what-if.present.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.whatIf.${key}`, params);
const BASE = '/planning/what-if';
const STEP_ROWS = 5;

type Form = Record<string, unknown>;
const text = (form: Form, name: string) => (typeof form[name] === 'string' ? form[name].trim() : '');

/** The pages of what-if: scenarios and cost models, a new scenario, one scenario, several side by side. */
export async function whatIfRoutes(app: FastifyInstance, options: { whatIf: WhatIfService }) {
  const { whatIf } = options;

  app.get(BASE, async (request, reply) => {
    const caller = callerOf(request);
    const [lines, scenarios] = await Promise.all([whatIf.lines(caller), whatIf.list(caller)]);
    const done = (request.query as Record<string, string | undefined>).done;
    return reply.page('planning/what-if/views/index.njk', {
      title: t('title'),
      canBuild: planningRole(caller.principal) === 'builder',
      lines: lines.map((line) => ({
        code: line.code,
        name: line.name,
        model: line.model && {
          unit: line.model.unit,
          fixed: formatPounds(line.model.fixedPence),
          variable: formatPounds(line.model.variablePence),
          steps: line.model.steps.length,
        },
      })),
      scenarios: scenarios.map(scenarioView),
      notice: done
        ? t(`notices.${done === 'model' ? 'model' : done === 'removed' ? 'removed' : 'saved'}`)
        : undefined,
    });
  });

  const modelPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    form?: Form,
    errors?: FieldErrors,
  ) => {
    const caller = callerOf(request);
    const code = (request.params as { line: string }).line.toUpperCase();
    const line = (await whatIf.lines(caller)).find((l) => l.code === code);
    if (!line) return reply.callNotFound();
    planningPolicy.buildPlans(caller.principal);
    const model = line.model;
    const value = (name: string, stored: string) => (form ? text(form, name) : stored);
    const { errorList, fields } = pinErrors(errors ?? {}, (path) => {
      const [first, index, field] = path.split('.');
      return first === 'steps' && index !== undefined
        ? `steps-${index}-${field}`
        : first === 'steps'
          ? 'steps-0-fromVolume'
          : first!;
    });
    return reply.status(errors ? 400 : 200).page('planning/what-if/views/cost-model.njk', {
      title: t('model.title', { line: line.name }),
      line,
      values: {
        unit: value('unit', model?.unit ?? ''),
        offering: value('offering', model?.offering ?? ''),
        fixedCost: value('fixedCost', model ? formatPounds(model.fixedPence) : ''),
        variableCost: value('variableCost', model ? formatPounds(model.variablePence) : ''),
      },
      offerings: [{ value: '', text: t('model.allUsage') }].concat(
        line.offerings.map((o) => ({ value: o.code, text: `${o.name} (${o.unit})` })),
      ),
      steps: Array.from({ length: STEP_ROWS }, (_, i) => ({
        index: i,
        fromVolume: value(`steps-${i}-fromVolume`, model?.steps[i]?.fromVolume ?? ''),
        addedFixedCost: value(
          `steps-${i}-addedFixedCost`,
          model?.steps[i] ? formatPounds(model.steps[i].addedFixedPence) : '',
        ),
      })),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/cost-models/:line`, (request, reply) => modelPage(request, reply));

  app.post(`${BASE}/cost-models/:line`, async (request, reply) => {
    const form = formBody(request);
    const steps = Array.from({ length: STEP_ROWS }, (_, i) => ({
      fromVolume: text(form, `steps-${i}-fromVolume`),
      addedFixedCost: text(form, `steps-${i}-addedFixedCost`),
    })).filter((step) => step.fromVolume !== '' || step.addedFixedCost !== '');
    try {
      await whatIf.setModel(callerOf(request), (request.params as { line: string }).line, {
        unit: form.unit,
        offering: form.offering,
        fixedCost: form.fixedCost,
        variableCost: form.variableCost,
        steps,
      });
      return reply.redirect(`${BASE}?done=model`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return modelPage(request, reply, form, errors);
    }
  });

  const scenarioForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    lineCode: string,
    form?: Form,
    outcome?: { errors?: FieldErrors; preview?: EvaluatedScenario },
  ) => {
    const { line, usage, window } = await whatIf.start(callerOf(request), lineCode);
    const { errorList, fields } = pinErrors(outcome?.errors ?? {}, (path) => {
      const [first, index] = path.split('.');
      if (first === 'volumes') return `volume-${usage[Number(index)]?.code ?? usage[0]?.code ?? ''}`;
      return first!;
    });
    return reply.status(outcome?.errors ? 400 : 200).page('planning/what-if/views/scenario-form.njk', {
      title: t('new.title', { line: line.name }),
      line,
      unit: line.model!.unit,
      windowText: t('new.window', { from: formatDate(window.from), until: formatDate(window.until) }),
      values: {
        name: form ? text(form, 'name') : '',
        prospect: form ? text(form, 'prospect') : '',
        prospectVolume: form ? text(form, 'prospectVolume') : '',
        notes: form ? text(form, 'notes') : '',
      },
      partners: usage.map((u) => ({
        code: u.code,
        name: u.name,
        usage: u.volume.toLocaleString('en-GB'),
        value: form ? text(form, `volume-${u.code}`) : u.volume.toString(),
      })),
      preview: outcome?.preview && scenarioView(outcome.preview),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/new`, async (request, reply) => {
    const line = (request.query as Record<string, string | undefined>).line ?? '';
    return scenarioForm(request, reply, line);
  });

  app.post(BASE, async (request, reply) => {
    const form = formBody(request);
    const lineCode = text(form, 'serviceLine');
    const codes = Object.keys(form)
      .filter((key) => key.startsWith('volume-'))
      .map((key) => key.slice('volume-'.length));
    const input = {
      serviceLine: lineCode,
      name: form.name,
      prospect: form.prospect,
      prospectVolume: form.prospectVolume,
      notes: form.notes,
      volumes: codes.map((code) => ({ organisation: code, volume: form[`volume-${code}`] })),
    };
    try {
      if (form.action === 'preview') {
        const preview = await whatIf.preview(callerOf(request), input);
        return scenarioForm(request, reply, lineCode, form, { preview });
      }
      const id = await whatIf.save(callerOf(request), input);
      return reply.redirect(`${BASE}/${id}?done=saved`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return scenarioForm(request, reply, lineCode, form, { errors });
    }
  });

  app.get(`${BASE}/compare`, async (request, reply) => {
    const asked = (request.query as Record<string, string | string[] | undefined>).scenario;
    const ids = (Array.isArray(asked) ? asked : asked ? [asked] : []).slice(0, 6);
    const scenarios = await whatIf.get(callerOf(request), ids);
    return reply.page('planning/what-if/views/compare.njk', {
      title: t('compare.title'),
      view: comparison(scenarios),
    });
  });

  app.get(`${BASE}/:id`, async (request, reply) => {
    const caller = callerOf(request);
    const [scenario] = await whatIf.get(caller, [(request.params as { id: string }).id]);
    const done = (request.query as Record<string, string | undefined>).done;
    return reply.page('planning/what-if/views/scenario.njk', {
      title: scenario!.name,
      view: scenarioView(scenario!),
      canBuild: planningRole(caller.principal) === 'builder',
      notice: done === 'saved' ? t('notices.saved') : undefined,
    });
  });

  app.post(`${BASE}/:id/remove`, async (request, reply) => {
    await whatIf.remove(callerOf(request), (request.params as { id: string }).id);
    return reply.redirect(`${BASE}?done=removed`, 303);
  });
}
