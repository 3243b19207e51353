import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../../../platform/errors.js';
import {
  callerOf,
  datesAndErrors,
  fieldErrorsOf,
  formBody,
  formErrors,
  readDates,
  translate,
  translatePlural,
  type WantedDate,
} from '../../../platform/web/index.js';
import { inputOf, withProblems } from '../../../platform/api/index.js';
import { pageSchema, submit, type Values } from '../catalogue.pages.js';
import { priceProblem, TariffBody, TariffEndBody, TariffParams } from './tariffs.schemas.js';
import { londonDate } from '../../../kernel/dates.js';
import type { TariffsService } from './tariffs.service.js';
import { problemLine, type ImportProblem } from './tariffs.import.js';
import { formatPounds } from '../../../kernel/money.js';
import type { Tariff } from './tariffs.repository.js';

/** Whether a price is in force on a day, agreed to start after it, or ended before it. */
export function tariffStatus(tariff: Tariff, today: string): 'current' | 'upcoming' | 'ended' {
  if (tariff.validFrom > today) return 'upcoming';
  return tariff.validTo !== null && tariff.validTo < today ? 'ended' : 'current';
}

/** A price as the prices table shows it. */
export const tariffRow = (tariff: Tariff, today = londonDate()) => ({
  ...tariff,
  unitPrice: formatPounds(tariff.pence),
  status: tariffStatus(tariff, today),
});

const PRICE_FIELDS = ['offering', 'organisation', 'unitPrice', 'validFrom', 'validTo'];
const STARTS: WantedDate = { name: 'validFrom', what: 'catalogue.tariffs.validFromWhat' };
const ENDS: WantedDate = { name: 'validTo', what: 'catalogue.tariffs.validToWhat', optional: true };
const price = inputOf(TariffBody);
const ending = inputOf(TariffEndBody);

export async function tariffsRoutes(app: FastifyInstance, options: { tariffs: TariffsService }) {
  const { tariffs } = options;

  const priceForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const { offerings, partners } = await tariffs.form(callerOf(request));
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...STARTS, stored: londonDate() }, ENDS],
      data.errors ?? {},
      PRICE_FIELDS,
    );
    return reply.status(data.errors ? 400 : 200).page('catalogue/tariffs/views/tariff-form.njk', {
      title: translate('catalogue.tariffs.addTitle'),
      offerings,
      partners,
      // From an offering's page, its price: `?offering=IT-LAPTOP` chooses it.
      values: data.values ?? { offering: (request.query as Record<string, unknown>).offering },
      dates,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/tariffs/new', (request, reply) => priceForm(request, reply));

  app.post('/catalogue/tariffs', async (request, reply) => {
    const body = formBody(request);
    const read = readDates(body, [STARTS, ENDS]);
    const input = withProblems(
      price.fromForm({
        offering: body.offering,
        organisation: body.organisation,
        unitPrice: body.unitPrice,
        validFrom: read.values.validFrom,
        validTo: read.values.validTo,
      }),
      { ...priceProblem(body.unitPrice), ...read.errors },
    );
    return submit(
      reply,
      input,
      async (value) => {
        await tariffs.add(callerOf(request), value);
        return '/catalogue/tariffs?added=1';
      },
      (errors) => priceForm(request, reply, { values: body, errors }),
    );
  });

  const endForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    data: { values?: Values; errors?: FieldErrors } = {},
  ) => {
    const tariff = await tariffs.get(callerOf(request), id);
    const { errorList, fields, dates } = datesAndErrors(
      data.values,
      [{ ...ENDS, optional: false, stored: tariff.validTo ?? londonDate() }],
      data.errors ?? {},
      ['validTo'],
    );
    return reply.status(data.errors ? 400 : 200).page('catalogue/tariffs/views/tariff-end.njk', {
      title: translate('catalogue.tariffs.endTitle'),
      tariff,
      dates,
      errorList,
      fields,
    });
  };

  app.get('/catalogue/tariffs/:id/end', pageSchema(TariffParams), (request, reply) =>
    endForm(request, reply, (request.params as { id: string }).id),
  );

  app.post('/catalogue/tariffs/:id/end', pageSchema(TariffParams), async (request, reply) => {
    const { id } = request.params as { id: string };
    const body = formBody(request);
    const read = readDates(body, [{ ...ENDS, optional: false }]);
    return submit(
      reply,
      withProblems(ending.fromForm({ validTo: read.values.validTo }), read.errors),
      async ({ validTo }) => {
        await tariffs.end(callerOf(request), id, validTo);
        return '/catalogue/tariffs?ended=1';
      },
      (errors) => endForm(request, reply, id, { values: body, errors }),
    );
  });

  const tariffsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { csv?: string; errors?: FieldErrors; rows?: ImportProblem[] } = {},
  ) => {
    const caller = callerOf(request);
    const { tariffs: list, canChange } = await tariffs.list(caller);
    const today = londonDate();
    const { errorList, fields } = formErrors(data.errors ?? {}, ['csv']);
    const rows = (data.rows ?? []).map((row) => ({
      ...row,
      text: translate(row.message),
      sentence: problemLine(row),
    }));
    const query = request.query as Record<string, string | undefined>;
    return reply.status(data.errors ? 400 : 200).page('catalogue/tariffs/views/tariffs.njk', {
      title: translate('catalogue.tariffs.title'),
      tariffs: list.map((tariff) => tariffRow(tariff, today)),
      canChange,
      intro: canChange
        ? undefined
        : caller.principal.org.role === 'host'
          ? translate('catalogue.tariffs.introHost')
          : translate('catalogue.tariffs.introPartner', { organisation: caller.principal.org.name }),
      csv: data.csv ?? '',
      rows,
      // Each wrong line in the summary, by its line in the file, so nothing has to be hunted for.
      errorList: rows.length ? rows.map((row) => ({ text: row.sentence, href: '#csv' })) : errorList,
      fields,
      notice: query.imported
        ? translatePlural('catalogue.tariffs.imported', Number(query.imported) || 0)
        : query.added
          ? translate('catalogue.tariffs.added')
          : query.ended
            ? translate('catalogue.tariffs.ended')
            : undefined,
    });
  };

  app.get('/catalogue/tariffs', (request, reply) => tariffsPage(request, reply));

  app.post('/catalogue/tariffs/import', async (request, reply) => {
    const body = formBody(request);
    const csv = typeof body.csv === 'string' ? body.csv : '';
    try {
      const { added } = await tariffs.importTariffs(callerOf(request), csv);
      return reply.redirect(`/catalogue/tariffs?imported=${added}`, 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const rows =
        error instanceof DomainError ? ((error.details?.rows as ImportProblem[] | undefined) ?? []) : [];
      return tariffsPage(request, reply, { csv, errors, rows });
    }
  });
}
