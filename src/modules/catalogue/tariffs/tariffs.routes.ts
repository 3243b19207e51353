import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldErrors } from '../../../platform/errors.js';
import { callerOf, fieldErrorsOf, formBody, formErrors, translate } from '../../../platform/web/index.js';
import type { TariffsService } from './tariffs.service.js';
import { problemLine, type ImportProblem } from './tariffs.import.js';
import { formatPounds } from '../../../kernel/money.js';
import type { Tariff } from './tariffs.repository.js';

/** A price as the prices table shows it. */
export const tariffRow = (tariff: Tariff) => ({ ...tariff, unitPrice: formatPounds(tariff.pence) });

export async function tariffsRoutes(app: FastifyInstance, options: { tariffs: TariffsService }) {
  const { tariffs } = options;

  const tariffsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { csv?: string; errors?: FieldErrors; rows?: ImportProblem[] } = {},
  ) => {
    const list = await tariffs.list(callerOf(request));
    const { errorList, fields } = formErrors(data.errors ?? {}, ['csv']);
    const rows = (data.rows ?? []).map((row) => ({
      ...row,
      text: translate(row.message),
      sentence: problemLine(row),
    }));
    const query = request.query as Record<string, string | undefined>;
    return reply.status(data.errors ? 400 : 200).page('catalogue/tariffs/views/tariffs.njk', {
      title: translate('catalogue.tariffs.title'),
      tariffs: list.map(tariffRow),
      csv: data.csv ?? '',
      rows,
      // Each wrong line in the summary, by its line in the file, so nothing has to be hunted for.
      errorList: rows.length ? rows.map((row) => ({ text: row.sentence, href: '#csv' })) : errorList,
      fields,
      notice: query.imported
        ? translate('catalogue.tariffs.imported', { count: Number(query.imported) || 0 })
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
