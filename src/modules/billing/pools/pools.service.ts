import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { readCsv } from '../../../platform/csv.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { parseQuantity } from '../../../kernel/quantity.js';
import { parsePeriod, type Period } from '../../../kernel/periods.js';
import { auditBy } from '../../audit/index.js';
import { billingRole, requireFinance, requireHostReader } from '../billing.policy.js';
import { parseAmountPence } from '../billing.money.js';
import { billingLookups } from '../billing.lookups.js';
import {
  poolsRepository as repo,
  type CostPool,
  type DriverRow,
  type DriverValue,
  type PoolRow,
  type UpsertCounts,
} from './pools.repository.js';

export const POOL_CSV_COLUMNS = ['service_line', 'period', 'amount', 'driver', 'description'] as const;
export const DRIVER_CSV_COLUMNS = ['organisation', 'service_line', 'driver', 'value', 'period'] as const;

const DRIVER = /^[a-z][a-z0-9_]{0,39}$/;

/** One problem with one line of an import (the header is line 1). */
export interface ImportRowProblem {
  line: number;
  field: string;
  message: string;
}

function rejected(problems: ImportRowProblem[]): DomainError {
  problems.sort((a, b) => a.line - b.line);
  return new DomainError(
    'ERR_IMPORT_REJECTED',
    `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file; nothing was imported`,
    { rows: problems },
  );
}

function csvRows<C extends string>(csv: string, columns: readonly C[]) {
  const parsed = readCsv(csv, columns);
  if (parsed.problems.length)
    throw rejected(parsed.problems.map((p) => ({ line: p.line, field: 'csv', message: p.message })));
  return parsed.rows;
}

function periodOf(text: string, line: number, problems: ImportRowProblem[]): Period | undefined {
  const period = parsePeriod(text);
  if (!period)
    problems.push({
      line,
      field: 'period',
      message: 'Period must be a month (2026-10), a quarter (2026-Q3) or a financial year (2026-27)',
    });
  return period;
}

/** True when some day of [from, until) falls within an agreement. */
function takesLineDuring(
  agreements: Array<{ orgId: string; serviceLineId: string; validFrom: string; validTo: string | null }>,
  orgId: string,
  lineId: string,
  period: Period,
): boolean {
  return agreements.some(
    (a) =>
      a.orgId === orgId &&
      a.serviceLineId === lineId &&
      a.validFrom < period.until &&
      (a.validTo === null || a.validTo >= period.from),
  );
}

export function poolsService(db: Database) {
  const unit = <T>(ctx: Caller, work: (tx: Tx) => Promise<T>) => inScope(db, scopeOf(ctx.principal), work);

  return {
    async pools(ctx: Caller): Promise<CostPool[]> {
      const hostOrgId = requireHostReader(ctx.principal);
      return unit(ctx, (tx) => repo.pools(tx, hostOrgId));
    },

    /** The host's people see every value; a partner's managers only their own organisation's. */
    async driverValues(ctx: Caller): Promise<DriverValue[]> {
      const role = billingRole(ctx.principal);
      if (role === 'none') throw forbidden('You cannot see driver values');
      return unit(ctx, (tx) =>
        repo.driverValues(
          tx,
          role === 'partner' ? { orgId: ctx.principal.org.orgId } : { hostOrgId: ctx.principal.org.orgId },
        ),
      );
    },

    /**
     * Cost pools from CSV (service_line,period,amount,driver,description), all or none. A row for a
     * pool that exists (same line, period and driver) gives it a new version if it differs.
     */
    async importPools(ctx: Caller, csv: string): Promise<UpsertCounts> {
      const hostOrgId = requireFinance(ctx.principal);
      const rows = csvRows(csv, POOL_CSV_COLUMNS);
      return unit(ctx, async (tx) => {
        const lines = await billingLookups.serviceLinesByCode(tx, hostOrgId);
        const problems: ImportRowProblem[] = [];
        const seen = new Map<string, number>();
        const pools: PoolRow[] = [];
        for (const { line, values } of rows) {
          const before = problems.length;
          const lineId = lines.get(values.service_line.toUpperCase());
          if (!lineId)
            problems.push({
              line,
              field: 'service_line',
              message: `No service line has the code ${values.service_line}`,
            });
          const period = periodOf(values.period, line, problems);
          const amount = parseAmountPence(values.amount);
          if (amount === undefined)
            problems.push({
              line,
              field: 'amount',
              message: 'Amount must be pounds and pence, like 125000.00',
            });
          const driver = values.driver.toLowerCase();
          if (!DRIVER.test(driver))
            problems.push({
              line,
              field: 'driver',
              message: 'Driver must be a name in lower case letters, digits and underscores, like headcount',
            });
          if (values.description.length > 500)
            problems.push({
              line,
              field: 'description',
              message: 'Description must be 500 characters or fewer',
            });
          if (problems.length > before) continue;
          const key = `${lineId}|${period!.code}|${driver}`;
          const earlier = seen.get(key);
          if (earlier) {
            problems.push({
              line,
              field: 'driver',
              message: `Line ${earlier} is the same pool (line, period and driver)`,
            });
            continue;
          }
          seen.set(key, line);
          pools.push({
            serviceLineId: lineId!,
            period: period!.code,
            periodFrom: period!.from,
            periodUntil: period!.until,
            amountPence: amount!,
            driver,
            description: values.description,
          });
        }
        if (problems.length) throw rejected(problems);
        const result = await repo.upsertPools(tx, hostOrgId, pools, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'cost-pools.import',
          entityType: 'cost_pool',
          after: { rows: pools.length, ...result },
        });
        return result;
      });
    },

    /**
     * Driver values from CSV (organisation,service_line,driver,value,period), all or none. A value
     * for an organisation that takes the line on no day of the period is refused (the host excepted:
     * it bears its own share). `basis` says whether these are the estimates billed on or the year's
     * actual figures, for the true-up.
     */
    async importDrivers(
      ctx: Caller,
      csv: string,
      basis: 'estimate' | 'actual' = 'estimate',
    ): Promise<UpsertCounts> {
      const hostOrgId = requireFinance(ctx.principal);
      const rows = csvRows(csv, DRIVER_CSV_COLUMNS);
      return unit(ctx, async (tx) => {
        const lines = await billingLookups.serviceLinesByCode(tx, hostOrgId);
        const orgs = await billingLookups.organisationsByCode(
          tx,
          rows.map((row) => row.values.organisation.toUpperCase()),
        );
        const periods = rows.map((row) => parsePeriod(row.values.period)).filter((p): p is Period => !!p);
        const earliest = periods.reduce((min, p) => (p.from < min ? p.from : min), '9999-12-31');
        const latest = periods.reduce((max, p) => (p.until > max ? p.until : max), '0001-01-01');
        const agreements = periods.length
          ? await billingLookups.agreementsOverlapping(tx, hostOrgId, earliest, latest)
          : [];
        const problems: ImportRowProblem[] = [];
        const seen = new Map<string, number>();
        const drivers: DriverRow[] = [];
        for (const { line, values } of rows) {
          const before = problems.length;
          const code = values.organisation.toUpperCase();
          const org = orgs.get(code);
          if (!org)
            problems.push({
              line,
              field: 'organisation',
              message: `No organisation you serve has the code ${code}`,
            });
          const lineId = lines.get(values.service_line.toUpperCase());
          if (!lineId)
            problems.push({
              line,
              field: 'service_line',
              message: `No service line has the code ${values.service_line}`,
            });
          const driver = values.driver.toLowerCase();
          if (!DRIVER.test(driver))
            problems.push({
              line,
              field: 'driver',
              message: 'Driver must be a name in lower case letters, digits and underscores, like headcount',
            });
          const value = parseQuantity(values.value, { allowZero: true });
          if ('problem' in value)
            problems.push({
              line,
              field: 'value',
              message:
                value.problem === 'negative'
                  ? 'Value cannot be negative'
                  : 'Value must be a number with at most 3 decimal places',
            });
          const period = periodOf(values.period, line, problems);
          if (problems.length > before) continue;
          if (org!.id !== hostOrgId && !takesLineDuring(agreements, org!.id, lineId!, period!)) {
            problems.push({
              line,
              field: 'organisation',
              message: `${code} does not take ${values.service_line.toUpperCase()} on any day of ${period!.code}`,
            });
            continue;
          }
          const key = `${org!.id}|${lineId}|${driver}|${period!.code}`;
          const earlier = seen.get(key);
          if (earlier) {
            problems.push({
              line,
              field: 'organisation',
              message: `Line ${earlier} gives the same value already`,
            });
            continue;
          }
          seen.set(key, line);
          drivers.push({
            orgId: org!.id,
            serviceLineId: lineId!,
            driver,
            period: period!.code,
            periodFrom: period!.from,
            periodUntil: period!.until,
            basis,
            value: (value as { thousandths: bigint }).thousandths,
          });
        }
        if (problems.length) throw rejected(problems);
        const result = await repo.upsertDrivers(tx, hostOrgId, drivers, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'driver-values.import',
          entityType: 'driver_value',
          after: { rows: drivers.length, basis, ...result },
        });
        return result;
      });
    },
  };
}

export type PoolsService = ReturnType<typeof poolsService>;
