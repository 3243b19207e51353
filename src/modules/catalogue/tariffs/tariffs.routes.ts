import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../../../platform/errors.js';
import {
  callerOf,
  fieldErrorsOf,
  formBody,
  formErrors,
  translate,
  translatePlural,
} from '../../../platform/web/index.js';
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

export async function tariffsRoutes(app: FastifyInstance, options: { tariffs: TariffsService }) {
  const { tariffs } = options;

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
