import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCsv } from '../../../platform/csv.js';
import { notFound, type FieldErrors } from '../../../platform/errors.js';
import { callerOf, fieldErrorsOf, formBody, translate } from '../../../platform/web/index.js';
import { caseApproved } from '../planning.errors.js';
import { planningPolicy } from '../planning.policy.js';
import { formVersion, pinErrors } from '../planning.forms.js';
import type { AppraisalService, AppraisedCase } from './appraisal.service.js';
import { caseBody, SECTIONS, yearAfter, type CaseBody } from './appraisal.input.js';
import { CATEGORIES, cellId, gridField, gridValues, readGrid, sectionsChange } from './appraisal.forms.js';
import { categoryWords } from './appraisal.words.js';

const t = (key: string, params: Record<string, string | number> = {}) => translate(`planning.${key}`, params);
const BASE = '/planning/business-cases';
const SAVINGS_COLUMNS = ['organisation', 'service_line', 'year', 'amount'] as const;

type Params = { id: string; code?: string };

/** The pages that change a draft case: an option's cash flows, the five sections, planned savings. */
export async function editingRoutes(app: FastifyInstance, options: { appraisal: AppraisalService }) {
  const { appraisal } = options;

  /** The draft a builder may change, or the refusal (403, 404, 409) that says why not. */
  const draft = async (request: FastifyRequest): Promise<AppraisedCase> => {
    const caller = callerOf(request);
    const found = await appraisal.get(caller, (request.params as Params).id);
    planningPolicy.buildPlans(caller.principal);
    if (found.status !== 'draft') throw caseApproved();
    return found;
  };

  const optionPage = (
    reply: FastifyReply,
    found: AppraisedCase,
    code: string,
    values: Record<string, string>,
    version: number,
    errors?: FieldErrors,
    inputOf: (path: string) => string = (path) => path,
  ) => {
    const option = found.input.options.find((o) => o.code === code)!;
    const { errorList, fields } = pinErrors(errors ?? {}, inputOf);
    const of = translate('planning.words.option', { code });
    const years = Array.from({ length: found.horizonYears + 1 }, (_, year) => ({
      year,
      financialYear: yearAfter(found.baseYear, year),
      cells: CATEGORIES.map((category) => {
        const id = cellId(category, year);
        const side = category === 'cashable' || category === 'non_cashable' ? 'benefits' : 'costs';
        return {
          id,
          value: values[id] ?? '',
          label: t('pages.option.cellLabel', { year, what: categoryWords(category, side), option: of }),
          error: fields[id]?.text,
        };
      }),
    }));
    return reply.status(errors ? 400 : 200).page('planning/appraisal/views/option-form.njk', {
      title: t('pages.option.title', { code, name: option.name || code }),
      found,
      code,
      version,
      years,
      headings: CATEGORIES.map((category) => t(`categoryHeadings.${category}`)),
      biasCategories: ['capital', 'operating', 'one_off'].map((category) => ({
        category,
        heading: t(`categoryHeadings.${category}`),
        upper: values[`bias-${category}-upper`] ?? '',
        mitigation: values[`bias-${category}-mitigation`] ?? '',
        reason: values[`bias-${category}-reason`] ?? '',
      })),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/:id/options/:code`, async (request, reply) => {
    const found = await draft(request);
    const code = (request.params as Params).code!;
    const option = caseBody(found.input).options.find((o) => o.code === code);
    if (!option) throw notFound('That option');
    return optionPage(reply, found, code, gridValues(option), found.version);
  });

  app.post(`${BASE}/:id/options/:code`, async (request, reply) => {
    const found = await draft(request);
    const code = (request.params as Params).code!;
    if (!found.input.options.some((o) => o.code === code)) throw notFound('That option');
    const form = formBody(request);
    const version = formVersion(form) ?? found.version;
    const grid = readGrid(form, code, found.horizonYears);
    if (Object.keys(grid.errors).length)
      return optionPage(reply, found, code, grid.values, version, grid.errors, (path) => path);
    try {
      await appraisal.change(callerOf(request), found.id, version, grid.change);
      return reply.redirect(`${BASE}/${found.id}?done=saved#option-${code}`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const changed = grid.change(caseBody(found.input));
      return optionPage(reply, found, code, grid.values, version, errors, (path) =>
        gridField(path, changed, code),
      );
    }
  });

  const sectionsPage = (
    reply: FastifyReply,
    found: AppraisedCase,
    values: CaseBody['sections'],
    version: number,
    errors?: FieldErrors,
  ) => {
    const { errorList, fields } = pinErrors(errors ?? {}, (path) => path.split('.')[1] ?? SECTIONS[0]);
    return reply.status(errors ? 400 : 200).page('planning/appraisal/views/sections-form.njk', {
      title: t('pages.sections.title'),
      found,
      version,
      sections: SECTIONS.map((name) => ({
        name,
        label: t(`sections.${name}`),
        hint: t(`sectionHints.${name}`),
        value: values[name],
      })),
      errorList,
      fields,
    });
  };

  app.get(`${BASE}/:id/sections`, async (request, reply) => {
    const found = await draft(request);
    return sectionsPage(reply, found, found.input.sections, found.version);
  });

  app.post(`${BASE}/:id/sections`, async (request, reply) => {
    const found = await draft(request);
    const form = formBody(request);
    const change = sectionsChange(form);
    const version = formVersion(form) ?? found.version;
    try {
      await appraisal.change(callerOf(request), found.id, version, change);
      return reply.redirect(`${BASE}/${found.id}?done=saved#sections`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return sectionsPage(reply, found, change(caseBody(found.input)).sections, version, errors);
    }
  });

  const savingsPage = (
    reply: FastifyReply,
    found: AppraisedCase,
    csv: string,
    version: number,
    problems: Array<{ line: number; text: string }> = [],
  ) =>
    reply.status(problems.length ? 400 : 200).page('planning/appraisal/views/savings-form.njk', {
      title: t('pages.plannedSavings.title'),
      found,
      csv,
      version,
      firstYear: found.baseYear,
      lastYear: yearAfter(found.baseYear, found.horizonYears),
      problems,
      errorList: problems.map((problem) => ({ text: problem.text, href: '#csv' })),
      fields: problems.length
        ? { csv: { text: t('pages.plannedSavings.fix', { count: problems.length }) } }
        : {},
    });

  app.get(`${BASE}/:id/planned-savings`, async (request, reply) => {
    const found = await draft(request);
    const lines = caseBody(found.input).plannedSavings.map(
      (s) => `${s.organisation},${s.serviceLine},${s.year},${s.amount}`,
    );
    return savingsPage(reply, found, [SAVINGS_COLUMNS.join(','), ...lines].join('\n'), found.version);
  });

  app.post(`${BASE}/:id/planned-savings`, async (request, reply) => {
    const found = await draft(request);
    const form = formBody(request);
    const csv = typeof form.csv === 'string' ? form.csv : '';
    const version = formVersion(form) ?? found.version;
    const header = csv.trim() === '' || csv.trim().toLowerCase() === SAVINGS_COLUMNS.join(',');
    const read = header ? { rows: [], problems: [] } : readCsv(csv, SAVINGS_COLUMNS);
    if (read.problems.length)
      return savingsPage(
        reply,
        found,
        csv,
        version,
        read.problems.map((p) => ({ line: p.line, text: p.message })),
      );
    const plannedSavings = read.rows.map((row) => ({
      organisation: row.values.organisation,
      serviceLine: row.values.service_line,
      year: row.values.year,
      amount: row.values.amount.replace(/^£/, '').replace(/,/g, ''),
    }));
    try {
      await appraisal.change(callerOf(request), found.id, version, (body) => ({ ...body, plannedSavings }));
      return reply.redirect(`${BASE}/${found.id}?done=saved#planned-savings`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const problems = Object.entries(errors).map(([path, message]) => {
        const index = Number(path.split('.')[1]);
        const line = read.rows[index]?.line ?? 1;
        return { line, text: t('pages.plannedSavings.lineProblem', { line, problem: translate(message) }) };
      });
      return savingsPage(reply, found, csv, version, problems);
    }
  });
}
