import './usage.messages.js';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { FieldErrors } from '../../../platform/errors.js';
import { callerOf, fieldErrorsOf, translate } from '../../../platform/web/index.js';
import type { MeteringService } from '../metering.service.js';
import {
  PAGE_SIZE,
  USAGE_CSV_PATH,
  USAGE_PATH,
  csvFileName,
  formOf,
  pageProblems,
  pagerOf,
  readFilters,
  trailOf,
  usageRow,
  withQuery,
  type UsageRow,
} from './usage.present.js';

const hidden = { schema: { hide: true } } as const;

/**
 * The usage page: the events the signed-in person may read, filtered by GET parameters (so a
 * filtered list is a link that can be shared, and works without JavaScript), newest first, a page
 * at a time, and the same list as a CSV download. Who may read what is the service's to decide.
 */
export async function usageRoutes(app: FastifyInstance, options: { metering: MeteringService }) {
  const { metering } = options;

  app.get(USAGE_PATH, hidden, async (request, reply) => {
    const caller = callerOf(request);
    const host = caller.principal.org.role === 'host';
    const raw = request.query as Record<string, unknown>;
    const filters = readFilters(raw, host);
    const after = typeof raw.after === 'string' && raw.after ? raw.after : undefined;
    const trail = trailOf(raw.before);

    let problems: FieldErrors = {};
    let rows: UsageRow[] | undefined;
    let next: string | null = null;
    if (filters.query) {
      try {
        const page = await metering.list(caller, {
          ...filters.query,
          ...(after ? { after } : {}),
          limit: PAGE_SIZE,
        });
        rows = page.events.map(usageRow);
        next = page.next;
      } catch (error) {
        const errors = fieldErrorsOf(error);
        if (!errors) throw error;
        problems = pageProblems(errors);
      }
    } else {
      // Wrong dates are shown only to someone who may read usage at all.
      await metering.list(caller, { limit: 1 });
    }

    const { errorList, fields, dates } = formOf(filters, problems);
    const filtered = Object.keys(filters.kept).length > 0;
    return reply.status(errorList.length ? 400 : 200).page('metering/pages/views/usage.njk', {
      title: translate('usage.title'),
      intro: host
        ? translate('usage.introHost')
        : translate('usage.introPartner', { organisation: caller.principal.org.name }),
      host,
      values: filters.values,
      dates,
      filtered,
      rows,
      errorList,
      fields,
      pager: rows ? pagerOf(filters.kept, after, trail, next) : null,
      csvHref: withQuery(USAGE_CSV_PATH, filters.kept),
    });
  });

  app.get(USAGE_CSV_PATH, hidden, async (request, reply) => {
    const caller = callerOf(request);
    const filters = readFilters(
      request.query as Record<string, unknown>,
      caller.principal.org.role === 'host',
    );
    // Wrong filters are explained on the page, where they can be put right.
    const again = () => reply.redirect(withQuery(USAGE_PATH, filters.kept), 303);
    if (!filters.query) return again();
    let chunks: AsyncIterable<string>;
    try {
      chunks = await metering.exportCsv(caller, filters.query);
    } catch (error) {
      if (!fieldErrorsOf(error)) throw error;
      return again();
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csvFileName(filters.query)}"`)
      .send(Readable.from(chunks));
  });
}
