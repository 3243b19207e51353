/**
 * The agents' workspace: the queue across partners, filtered by GET parameters (so that it works
 * without JavaScript and a filtered queue can be shared as a link), soonest due first, paged by
 * keyset; and bulk assign and move of the requests chosen on it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { scopeOf } from '../../../platform/auth/index.js';
import { readInScope } from '../../../platform/db/index.js';
import { inputOf } from '../../../platform/api/index.js';
import { callerOf, formBody, translate } from '../../../platform/web/index.js';
import { CLOCK_STATES } from '../../../kernel/sla-clock.js';
import { PRIORITIES } from '../request.js';
import { ACTIVE_STATUSES } from '../request.js';
import { requestsPolicy } from '../requests.policy.js';
import { BulkAssignInput, BulkMoveInput } from '../requests.schemas.js';
import type { BulkResult } from '../workflow/bulk.js';
import { choicesRepository as choices, type Choice } from './choices.repository.js';
import { hidden, pagination, queryValues, trailOf, words, type RequestsPagesOptions } from './pages.deps.js';
import { clockTag, dueText, priorityText, statusTag, statusText } from './present.js';

/** An address with a query, or none when there is nothing to ask. */
const withQuery = (path: string, values: Record<string, string>) => {
  const search = new URLSearchParams(values).toString();
  return search ? `${path}?${search}` : path;
};

const FILTERS = ['status', 'team', 'partner', 'offering', 'priority', 'assignee', 'sla', 'q'] as const;
type Filter = (typeof FILTERS)[number];

export async function queueRoutes(app: FastifyInstance, options: RequestsPagesOptions) {
  const { requests, db } = options;

  /** What each filter may be set to, named. */
  const filterChoices = async (request: FastifyRequest): Promise<Record<Exclude<Filter, 'q'>, Choice[]>> => {
    const { principal } = callerOf(request);
    const hostOrgId = principal.org.orgId;
    const found = await readInScope(db, scopeOf(principal), (tx) => choices.queueFilters(tx, hostOrgId));
    return {
      status: ACTIVE_STATUSES.map((value) => ({ value, text: statusText(value, 'other') })),
      team: [
        { value: 'mine', text: words('queue.myTeams') },
        { value: 'none', text: words('queue.noTeam') },
        ...found.teams.map(({ value, text }) => ({ value, text })),
      ],
      partner: found.partners,
      offering: found.offerings,
      priority: PRIORITIES.map((value) => ({ value, text: priorityText(value) })),
      assignee: [
        { value: 'me', text: words('queue.me') },
        { value: 'none', text: words('queue.nobody') },
        ...found.workers,
      ],
      sla: CLOCK_STATES.filter((state) => state !== 'met').map((value) => ({
        value,
        text: translate(`requests.clockStates.${value}`),
      })),
    };
  };

  /** The queue filtered by `query` (the address's, or the one a bulk form came back from). */
  const showQueue = async (
    request: FastifyRequest,
    reply: FastifyReply,
    query: Record<string, unknown>,
    errorList: Array<{ text: string; href: string }> = [],
  ) => {
    const caller = callerOf(request);
    requestsPolicy.queue(caller.principal);
    const filters = queryValues(query, FILTERS);
    const { cursor, before } = queryValues(query, ['cursor', 'before']);
    const [page, options] = await Promise.all([
      requests.queue(caller, { ...filters, ...(cursor ? { cursor } : {}) }),
      filterChoices(request),
    ]);
    const selected = FILTERS.flatMap((name) => {
      const value = filters[name];
      if (value === undefined) return [];
      const text = name === 'q' ? value : (options[name].find((c) => c.value === value)?.text ?? value);
      const rest = Object.fromEntries(Object.entries(filters).filter(([key]) => key !== name));
      return [
        { heading: words(`queue.${name === 'q' ? 'text' : name}`), text, href: withQuery('/queue', rest) },
      ];
    });
    return reply.status(errorList.length ? 400 : 200).page('requests/pages/views/queue.njk', {
      title: words('titles.queue'),
      filters,
      options,
      selected,
      rows: page.items.map((item) => ({
        ...item,
        href: `/requests/${encodeURIComponent(item.reference)}`,
        statusTag: statusTag(item.status, 'other'),
        slaTag: clockTag(item.slaState),
        dueText: dueText(item.due, item.slaState),
        priorityText: priorityText(item.priority),
      })),
      teams: options.team.slice(2),
      workers: options.assignee.slice(2),
      back: withQuery('/queue', queryValues(query, [...FILTERS, 'cursor', 'before'])),
      errorList,
      pagination: pagination('/queue', filters, cursor, trailOf(before), page.nextCursor),
    });
  };

  app.get('/queue', hidden, (request, reply) =>
    showQueue(request, reply, request.query as Record<string, unknown>),
  );

  /**
   * The results of a bulk change, request by request: those changed, and those not, each named by
   * its subject and reference where the person can still see it, with why in words.
   */
  const showResults = async (
    request: FastifyRequest,
    reply: FastifyReply,
    results: BulkResult[],
    back: string,
  ) => {
    const caller = callerOf(request);
    const failed = await Promise.all(
      results.flatMap((result) =>
        result.ok
          ? []
          : [
              requests.get(caller, result.id).then(
                (view) => ({ subject: view.subject, reference: view.reference, why: whyNot(result.error) }),
                () => ({ subject: null, reference: null, why: whyNot(result.error) }),
              ),
            ],
      ),
    );
    return reply.page('requests/pages/views/bulk.njk', {
      title: words('titles.bulk'),
      changed: results.filter((r) => r.ok),
      failed,
      back,
    });
  };

  /** Why one request of a bulk change was not changed, in the pages' words where they have some. */
  const whyNot = (error: { code: string; message: string }) =>
    error.code === 'ERR_INVALID_TRANSITION'
      ? words('errors.invalidTransition')
      : error.code === 'ERR_STALE'
        ? words('errors.stale')
        : error.message;

  /** Where to go back to: the queue as it was filtered. */
  const backOf = (body: Record<string, unknown>) =>
    typeof body.back === 'string' && /^\/queue(\?[^\s]*)?$/.test(body.back) ? body.back : '/queue';

  /** The requests chosen: a checkbox sends its value once per box ticked. */
  const idsOf = (body: Record<string, unknown>): unknown[] =>
    Array.isArray(body.requests)
      ? (body.requests as unknown[])
      : body.requests === undefined
        ? []
        : [body.requests];

  app.post('/queue/assign', hidden, async (request, reply) => {
    const caller = callerOf(request);
    const body = formBody(request);
    const checked = inputOf(BulkAssignInput).fromForm({
      requests: idsOf(body),
      assignee: body.assignee ?? '',
    });
    if (checked.errors) return bulkProblem(request, reply, checked.errors);
    const { results } = await requests.bulkAssign(caller, checked.value);
    return showResults(request, reply, results, backOf(body));
  });

  app.post('/queue/move', hidden, async (request, reply) => {
    const caller = callerOf(request);
    const body = formBody(request);
    const checked = inputOf(BulkMoveInput).fromForm({ requests: idsOf(body), team: body.team ?? '' });
    if (checked.errors) return bulkProblem(request, reply, checked.errors);
    const { results } = await requests.bulkMove(caller, checked.value);
    return showResults(request, reply, results, backOf(body));
  });

  /** A bulk form sent without requests chosen, or without whom or where to: the queue again, saying so. */
  const bulkProblem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string>,
  ) => {
    requestsPolicy.queue(callerOf(request).principal);
    const errorList = Object.keys(errors).map((field) =>
      field.startsWith('requests')
        ? { text: words('errors.requestsMissing'), href: '#requests' }
        : field === 'team'
          ? { text: words('errors.teamMissing'), href: '#bulk-team' }
          : { text: words('errors.assigneeMissing'), href: '#bulk-assignee' },
    );
    const search = backOf(formBody(request)).split('?')[1] ?? '';
    return showQueue(request, reply, Object.fromEntries(new URLSearchParams(search)), errorList);
  };
}
