import './pools.messages.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { groupPounds } from '../../../kernel/money.js';
import { periodInWords } from '../../../kernel/periods.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import type { Caller } from '../../../platform/auth/index.js';
import { DomainError } from '../../../platform/errors.js';
import { callerOf, formBody, translate } from '../../../platform/web/index.js';
import { formatMoney } from '../billing.money.js';
import { billingRole, requireHostReader } from '../billing.policy.js';
import type { BillingServices } from '../billing.services.js';
import type { CostPool, DriverValue, UpsertCounts } from '../pools/pools.repository.js';
import { DRIVER_CSV_COLUMNS, POOL_CSV_COLUMNS, type ImportRowProblem } from '../pools/pools.service.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`costPools.${key}`, params);

const POOLS = '/recharges/cost-pools';
const DRIVERS = '/recharges/drivers';

type Query = Record<string, string | undefined>;
type Basis = 'estimate' | 'actual';

/** Example values of each column, the first of each making the example line. */
const POOL_EXAMPLES: Record<(typeof POOL_CSV_COLUMNS)[number], string[]> = {
  service_line: ['HR'],
  period: ['2026-10', '2026-Q3', '2026-27'],
  amount: ['41850.00'],
  driver: ['headcount', 'transactions', 'floor_area'],
  description: ['HR administration team'],
};
const DRIVER_EXAMPLES: Record<(typeof DRIVER_CSV_COLUMNS)[number], string[]> = {
  organisation: ['WDC'],
  service_line: ['HR'],
  driver: ['headcount'],
  value: ['382.5'],
  period: ['2026-27', '2026-Q3', '2026-10'],
};

/** A period in words; one that cannot be read is shown as the code it is. */
function periodCell(code: string): { words: string | null; code: string } {
  const words = periodInWords(code);
  return { words: words === code ? null : words, code };
}

/** A driver as people say it: "Headcount", "Floor area". */
function driverInWords(driver: string): string {
  const key = `costPools.drivers.${driver}`;
  const known = translate(key);
  if (known !== key) return known;
  const words = driver.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Newest period first; of two starting together, the shorter first. Otherwise the order given stays. */
function newestFirst(a: { periodFrom: string; periodUntil: string }, b: typeof a): number {
  if (a.periodFrom !== b.periodFrom) return a.periodFrom < b.periodFrom ? 1 : -1;
  if (a.periodUntil !== b.periodUntil) return a.periodUntil < b.periodUntil ? -1 : 1;
  return 0;
}

function poolRow(pool: CostPool) {
  return {
    serviceLine: pool.serviceLineName,
    period: periodCell(pool.period),
    amount: formatMoney(pool.amountPence),
    driver: driverInWords(pool.driver),
    description: pool.description,
  };
}

function valueRow(value: DriverValue) {
  return {
    organisation: value.orgName ?? '',
    serviceLine: value.serviceLineName ?? '',
    driver: driverInWords(value.driver),
    value: groupPounds(formatQuantity(value.value)),
    period: periodCell(value.period),
    basis: t(`bases.${value.basis}`),
  };
}

/** What the page says about the file: its columns, what each holds, and an example line. */
function fileGuide<C extends string>(
  kind: 'pools' | 'values',
  columns: readonly C[],
  examples: Record<C, string[]>,
) {
  return {
    header: columns.join(','),
    example: columns.map((name) => examples[name][0]).join(','),
    columns: columns.map((name) => ({
      name,
      holds: t(`${kind}.columns.${name}`),
      examples: examples[name],
    })),
  };
}

/** A problem of a line in words; one that names its line already is left as it is. */
function lineProblem(row: ImportRowProblem): string {
  return new RegExp(`^Line ${row.line}\\b`).test(row.message)
    ? row.message
    : t('import.lineProblem', { line: row.line, problem: row.message });
}

interface ImportState {
  csv?: string;
  rows?: ImportRowProblem[];
  basis?: Basis;
}

/** The import form's part of a page: shown only to those who may import, with any problems of the last try. */
function importPart(caller: Caller, kind: 'pools' | 'values', query: Query, state: ImportState) {
  const problems = (state.rows ?? []).map((row) => ({ line: row.line, text: lineProblem(row) }));
  const count = (name: string) => Number(query[name]) || 0;
  return {
    canImport: billingRole(caller.principal) === 'finance',
    csv: state.csv ?? '',
    problems,
    errorList: problems.map((p) => ({ text: p.text, href: '#csv' })),
    fields: problems.length ? { csv: { text: t('import.fix', { count: problems.length }) } } : {},
    notice:
      query.done === 'imported'
        ? t(`${kind}.imported`, {
            added: count('added'),
            changed: count('changed'),
            unchanged: count('unchanged'),
          })
        : undefined,
  };
}

function csvOf(request: FastifyRequest): string {
  const csv = formBody(request).csv;
  return typeof csv === 'string' ? csv : '';
}

/** Runs an import and goes back to the list (303); a rejected file shows the page again with its problems. */
async function importing(
  reply: FastifyReply,
  back: string,
  work: () => Promise<UpsertCounts>,
  again: (rows: ImportRowProblem[]) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    const counts = await work();
    return reply.redirect(
      `${back}?done=imported&added=${counts.added}&changed=${counts.changed}&unchanged=${counts.unchanged}`,
      303,
    );
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'ERR_IMPORT_REJECTED') throw error;
    return again((error.details?.rows as ImportRowProblem[] | undefined) ?? []);
  }
}

/**
 * The cost pools and driver values behind pool charges, each with its CSV import. The host's
 * finance officers, executives and service managers read them; only finance officers import.
 */
export async function poolsPages(app: FastifyInstance, options: { billing: BillingServices }) {
  const { pools } = options.billing;

  const poolsPage = async (request: FastifyRequest, reply: FastifyReply, state: ImportState = {}) => {
    const caller = callerOf(request);
    // The service lets only the host's readers of charges see pools.
    const list = await pools.pools(caller);
    const part = importPart(caller, 'pools', request.query as Query, state);
    return reply.status(part.problems.length ? 400 : 200).page('billing/pages/views/cost-pools.njk', {
      title: t('pools.title'),
      pools: [...list].sort(newestFirst).map(poolRow),
      guide: fileGuide('pools', POOL_CSV_COLUMNS, POOL_EXAMPLES),
      ...part,
    });
  };

  const driversPage = async (request: FastifyRequest, reply: FastifyReply, state: ImportState = {}) => {
    const caller = callerOf(request);
    // The service shows a partner's managers their own values; these pages are the host's alone.
    requireHostReader(caller.principal);
    const list = await pools.driverValues(caller);
    const part = importPart(caller, 'values', request.query as Query, state);
    const basis = state.basis ?? 'estimate';
    return reply.status(part.problems.length ? 400 : 200).page('billing/pages/views/drivers.njk', {
      title: t('values.title'),
      values: [...list].sort(newestFirst).map(valueRow),
      guide: fileGuide('values', DRIVER_CSV_COLUMNS, DRIVER_EXAMPLES),
      bases: (['estimate', 'actual'] as const).map((value) => ({
        value,
        text: t(value === 'estimate' ? 'values.basisEstimate' : 'values.basisActual'),
        hint: { text: t(value === 'estimate' ? 'values.basisEstimateHint' : 'values.basisActualHint') },
        checked: value === basis,
      })),
      ...part,
    });
  };

  app.get(POOLS, (request, reply) => poolsPage(request, reply));

  app.post(`${POOLS}/import`, async (request, reply) => {
    const csv = csvOf(request);
    return importing(
      reply,
      POOLS,
      () => pools.importPools(callerOf(request), csv),
      (rows) => poolsPage(request, reply, { csv, rows }),
    );
  });

  app.get(DRIVERS, (request, reply) => driversPage(request, reply));

  app.post(`${DRIVERS}/import`, async (request, reply) => {
    const csv = csvOf(request);
    const basis: Basis = formBody(request).basis === 'actual' ? 'actual' : 'estimate';
    return importing(
      reply,
      DRIVERS,
      () => pools.importDrivers(callerOf(request), csv, basis),
      (rows) => driversPage(request, reply, { csv, rows, basis }),
    );
  });
}
