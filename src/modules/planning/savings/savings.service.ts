import crypto from 'node:crypto';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, readInScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import { readCsv } from '../../../platform/csv.js';
import { translate } from '../../../platform/web/index.js';
import { parseAmountPence } from '../../../kernel/appraisal.js';
import { formatPounds } from '../../../kernel/money.js';
import { parsePeriod } from '../../../kernel/periods.js';
import { auditBy } from '../../audit/index.js';
import { planningPolicy as policy, type LedgerScope } from '../planning.policy.js';
import { chargesFromLedgerLines, type ChargesForLedger } from './savings.charges.js';
import { buildLedger, type Ledger } from './savings.ledger.js';
import { ledgerOfTotals, ledgerTotals, partnerLines } from './savings.totals.js';
import { savingsRepository as repo, type Baseline, type BaselineValues } from './savings.repository.js';

export const BASELINE_COLUMNS = ['organisation', 'service_line', 'year', 'amount', 'source'] as const;

/** A baseline as typed: codes, a financial year, pounds and where the figure comes from. */
export interface BaselineText {
  organisation?: unknown;
  serviceLine?: unknown;
  year?: unknown;
  amount?: unknown;
  source?: unknown;
}

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

const w = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.savings.errors.${key}`, params);

/** An organisation or a service line as the ledger names it. */
export type Named = { id: string; code: string; name: string };

/** The ledger, with the names of the organisations and lines it mentions (named where shown). */
export interface LedgerView extends Ledger {
  scope: LedgerScope['kind'];
  organisation(id: string): Named;
  serviceLine(id: string): Named;
}

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** Reads one baseline's fields (before codes are looked up): its values, or its problems by field. */
function readBaseline(input: BaselineText) {
  const errors: FieldErrors = {};
  const organisation = text(input.organisation).toUpperCase();
  const serviceLine = text(input.serviceLine).toUpperCase();
  const year = text(input.year);
  const amount = text(input.amount).replace(/^£/, '').replace(/,/g, '');
  const source = text(input.source);
  if (!organisation) errors.organisation = w('organisation');
  if (!serviceLine) errors.serviceLine = w('serviceLine');
  if (parsePeriod(year)?.kind !== 'financial_year') errors.year = w('year');
  const pence = parseAmountPence(amount);
  if (pence === undefined) errors.amount = w(amount.startsWith('-') ? 'amountNegative' : 'amount');
  if (!source) errors.source = w('source');
  else if (source.length > 500) errors.source = w('sourceLong');
  return { organisation, serviceLine, year, pence: pence ?? 0n, source, errors };
}

export function savingsService(db: Database, charges: ChargesForLedger = chargesFromLedgerLines) {
  /** Baselines resolved to ids, or their problems (unknown partner or line) by field. */
  const resolve = async (tx: Tx, hostOrgId: string, rows: Array<ReturnType<typeof readBaseline>>) => {
    const { organisations, lines } = await repo.lookups(
      tx,
      hostOrgId,
      rows.map((row) => row.organisation),
    );
    return rows.map((row) => {
      const errors: FieldErrors = {};
      const org = organisations.get(row.organisation);
      const lineId = lines.get(row.serviceLine);
      if (!org || org.role !== 'partner')
        errors.organisation = w('organisationUnknown', { code: row.organisation });
      if (!lineId) errors.serviceLine = w('serviceLineUnknown', { code: row.serviceLine });
      const values: BaselineValues = {
        orgId: org?.id ?? '',
        serviceLineId: lineId ?? '',
        year: row.year,
        amountPence: row.pence,
        source: row.source,
      };
      return { values, errors, codes: row };
    });
  };

  /** Records baselines (one, or a file's) and one audit entry naming each change, before and after. */
  const record = async (
    tx: Tx,
    ctx: Caller,
    hostOrgId: string,
    resolved: Awaited<ReturnType<typeof resolve>>,
    how: object,
  ) => {
    const values = resolved.map((row) => row.values);
    const current = await repo.current(tx, hostOrgId, values);
    const counts = { added: 0, changed: 0, unchanged: 0 };
    const changes: object[] = [];
    const toWrite: BaselineValues[] = [];
    for (const { values: v, codes } of resolved) {
      const before = current.get(`${v.orgId}|${v.serviceLineId}|${v.year}`);
      if (before && before.amountPence === v.amountPence && before.source === v.source) {
        counts.unchanged++;
        continue;
      }
      counts[before ? 'changed' : 'added']++;
      toWrite.push(v);
      changes.push({
        organisation: codes.organisation,
        serviceLine: codes.serviceLine,
        year: v.year,
        before: before
          ? { amount: formatPounds(before.amountPence.toString()), source: before.source }
          : null,
        after: { amount: formatPounds(v.amountPence.toString()), source: v.source },
      });
    }
    await repo.upsert(tx, hostOrgId, ctx.principal.userId, toWrite);
    if (changes.length)
      await auditBy(tx, ctx, {
        orgId: hostOrgId,
        action: 'savings_baseline.record',
        entityType: 'savings_baseline',
        entityId: null,
        after: { ...how, ...counts, changes },
      });
    return counts;
  };

  return {
    /** The savings ledger the caller may see: the whole partnership for the host, a partner's own rows. */
    async ledger(ctx: Caller): Promise<LedgerView> {
      const scope = policy.readLedger(ctx.principal);
      const dbScope = scopeOf(ctx.principal);
      const [entries, charged, names] = await Promise.all([
        readInScope(db, dbScope, (tx) => repo.entries(tx, scope)),
        readInScope(db, dbScope, (tx) =>
          charges.chargedByPartnerLineYear(tx, scope.kind === 'host' ? scope.hostOrgId : null),
        ),
        readInScope(db, dbScope, (tx) => repo.names(tx, scope)),
      ]);
      // Row level security already keeps a partner to its own charges; say so here as well.
      const own = scope.kind === 'host' ? charged : charged.filter((row) => row.orgId === scope.orgId);
      const ledger = buildLedger({ entries, charges: own, toleranceBasisPoints: names.toleranceBasisPoints });
      const none = { code: '', name: '' };
      return {
        scope: scope.kind,
        ...ledger,
        organisation: (id) => ({ id, ...(names.organisations.get(id) ?? none) }),
        serviceLine: (id) => ({ id, ...(names.lines.get(id) ?? none) }),
      };
    },

    /**
     * The ledger as its page shows it, summed in SQL: every year, each year by partner and by line,
     * and the lines of one partner (by code; for a partner, its own).
     */
    async ledgerSummary(ctx: Caller, detail?: string): Promise<LedgerView> {
      const scope = policy.readLedger(ctx.principal);
      const dbScope = scopeOf(ctx.principal);
      const code = detail?.trim().toUpperCase() ?? null;
      const [totals, lines, names] = await Promise.all([
        readInScope(db, dbScope, (tx) => ledgerTotals(tx, scope)),
        readInScope(db, dbScope, (tx) => partnerLines(tx, scope, code)),
        readInScope(db, dbScope, (tx) => repo.names(tx, scope)),
      ]);
      const none = { code: '', name: '' };
      return {
        scope: scope.kind,
        ...ledgerOfTotals(totals, lines, names.toleranceBasisPoints),
        organisation: (id) => ({ id, ...(names.organisations.get(id) ?? none) }),
        serviceLine: (id) => ({ id, ...(names.lines.get(id) ?? none) }),
      };
    },

    async baselines(ctx: Caller, year?: string): Promise<Baseline[]> {
      const scope = policy.readLedger(ctx.principal);
      return readInScope(db, scopeOf(ctx.principal), (tx) => repo.baselines(tx, scope, year));
    },

    /** The partners and lines a baseline can be for (the host's builders). */
    async choices(ctx: Caller) {
      const hostOrgId = policy.keepLedger(ctx.principal);
      return readInScope(db, scopeOf(ctx.principal), (tx) => repo.choices(tx, hostOrgId));
    },

    /** Records one baseline, new or replacing the one for its partner, line and year. */
    async recordBaseline(ctx: Caller, input: BaselineText) {
      const hostOrgId = policy.keepLedger(ctx.principal);
      const read = readBaseline(input);
      if (Object.keys(read.errors).length) throw validationFailed(read.errors);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const [resolved] = await resolve(tx, hostOrgId, [read]);
        if (Object.keys(resolved!.errors).length) throw validationFailed(resolved!.errors);
        return record(tx, ctx, hostOrgId, [resolved!], { source: 'form' });
      });
    },

    /**
     * Imports baselines from CSV (organisation,service_line,year,amount,source): all rows or none,
     * every problem named by its line.
     */
    async importBaselines(ctx: Caller, csv: string) {
      const hostOrgId = policy.keepLedger(ctx.principal);
      const parsed = readCsv(csv, BASELINE_COLUMNS);
      if (parsed.problems.length)
        throw rejected(parsed.problems.map((p) => ({ line: p.line, field: 'csv', message: p.message })));
      const problems: ImportProblem[] = [];
      const seen = new Map<string, number>();
      const read = parsed.rows.map((row) => {
        const values = readBaseline({ ...row.values, serviceLine: row.values.service_line });
        for (const [field, message] of Object.entries(values.errors))
          problems.push({ line: row.line, field, message });
        const key = `${values.organisation}|${values.serviceLine}|${values.year}`;
        const first = seen.get(key);
        if (first !== undefined)
          problems.push({ line: row.line, field: 'year', message: w('twice', { line: first }) });
        else seen.set(key, row.line);
        return values;
      });
      if (problems.length) throw rejected(problems);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const resolved = await resolve(tx, hostOrgId, read);
        resolved.forEach((row, index) => {
          for (const [field, message] of Object.entries(row.errors))
            problems.push({ line: parsed.rows[index]!.line, field, message });
        });
        if (problems.length) throw rejected(problems);
        const sha256 = crypto.createHash('sha256').update(csv).digest('hex');
        return record(tx, ctx, hostOrgId, resolved, { source: 'import', rows: resolved.length, sha256 });
      });
    },

    /** Sets how far below plan a saving may fall and still be amber, as a percentage of the plan. */
    async setTolerance(ctx: Caller, percent: unknown): Promise<number> {
      const hostOrgId = policy.keepLedger(ctx.principal);
      const typed = typeof percent === 'number' ? String(percent) : text(percent).replace(/%$/, '').trim();
      const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(typed);
      const basisPoints = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : NaN;
      if (!match || basisPoints > 10_000) throw validationFailed({ percent: w('tolerance') });
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const before = await repo.setTolerance(tx, hostOrgId, ctx.principal.userId, basisPoints);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'savings_ledger.tolerance',
          entityType: 'planning_settings',
          entityId: hostOrgId,
          before: { toleranceBasisPoints: before },
          after: { toleranceBasisPoints: basisPoints },
        });
      });
      return basisPoints;
    },
  };
}

function rejected(problems: ImportProblem[]): DomainError {
  problems.sort((a, b) => a.line - b.line);
  return new DomainError(
    'ERR_IMPORT_REJECTED',
    `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file; nothing was imported`,
    { rows: problems },
  );
}

export type SavingsService = ReturnType<typeof savingsService>;
