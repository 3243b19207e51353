import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, forbidden, notFound, validationFailed } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parseIsoDate } from '../../../kernel/dates.js';
import { lastDayBefore } from '../../../kernel/periods.js';
import { formatQuantity } from '../../../kernel/quantity.js';
import { managedLineIds } from '../../metering/index.js';
import { billingRole, requireHostReader } from '../billing.policy.js';
import { runsRepository, type LineRecord } from '../runs/runs.repository.js';
import {
  statementsRepository as repo,
  type LineEvent,
  type StatementKey,
  type StoredStatement,
} from './statements.repository.js';
import { journalCodes } from './journal.repository.js';

/** A statement named by its number (issued), or by its run and organisation (the host's view of a draft). */
export type StatementRef =
  { number: string } | { runId: string; organisation: string; kind?: 'statement' | 'credit_note' };

export interface StatementLineView {
  line: number;
  kind: string;
  offering: { code: string; name: string } | null;
  description: string;
  /** Exact decimal, or null where a line has no quantity. */
  quantity: string | null;
  unit: string | null;
  unitPricePence: number | null;
  amountPence: number;
  /** Where the line comes from: the usage selection, or the pool and driver values, by id and version. */
  source: Record<string, unknown>;
}

export interface StatementView {
  number: string | null;
  kind: 'statement' | 'credit_note';
  status: string;
  runId: string;
  organisation: { code: string; name: string };
  host: { code: string; name: string };
  period: string;
  periodFrom: string;
  /** The last day of the period. */
  periodTo: string;
  corrects: string | null;
  issuedAt: string | null;
  totalPence: number;
  serviceLines: Array<{ code: string; name: string; totalPence: number; lines: StatementLineView[] }>;
}

export function presentLine(line: LineRecord): StatementLineView {
  return {
    line: line.line_no,
    kind: line.kind,
    offering: line.offering_code ? { code: line.offering_code, name: line.offering_name ?? '' } : null,
    description: line.description,
    quantity: line.quantity === null ? null : formatQuantity(BigInt(line.quantity)),
    unit: line.unit,
    unitPricePence: line.unit_price_pence === null ? null : Number(line.unit_price_pence),
    amountPence: Number(line.amount_pence),
    source: line.source,
  };
}

export function presentStatement(statement: StoredStatement, lines: LineRecord[]): StatementView {
  const groups: StatementView['serviceLines'] = [];
  for (const line of lines) {
    let group = groups.at(-1);
    if (!group || group.code !== line.service_line_code) {
      group = { code: line.service_line_code, name: line.service_line_name, totalPence: 0, lines: [] };
      groups.push(group);
    }
    group.lines.push(presentLine(line));
    group.totalPence += Number(line.amount_pence);
  }
  return {
    number: statement.number,
    kind: statement.kind,
    status: statement.number ? 'issued' : statement.run_status,
    runId: statement.run_id,
    organisation: { code: statement.org_code, name: statement.org_name },
    host: { code: statement.host_code, name: statement.host_name },
    period: statement.period,
    periodFrom: statement.period_from,
    periodTo: lastDayBefore(statement.period_until),
    corrects: statement.corrects_number,
    issuedAt: statement.issued_at ? statement.issued_at.toISOString() : null,
    totalPence: lines.reduce((sum, line) => sum + Number(line.amount_pence), 0),
    serviceLines: groups,
  };
}

/** A page of the events behind one line, with the totals of them all. */
export interface LineEventsView {
  line: StatementLineView;
  events: Array<{
    id: string;
    occurredAt: string;
    occurredOn: string;
    quantity: string;
    source: string;
    key: string;
    note: string | null;
    requestId: string | null;
    requestReference: string | null;
    reverses: string | null;
  }>;
  totals: { events: number; quantity: string } | null;
  next: string | null;
}

export function statementsService(db: Database) {
  const unit = <T>(ctx: Caller, work: (tx: Tx) => Promise<T>) => inScope(db, scopeOf(ctx.principal), work);

  /** The statement a caller may see, and the lines they may see of it. */
  const open = async (
    tx: Tx,
    ctx: Caller,
    ref: StatementRef,
  ): Promise<{ statement: StoredStatement; lines: LineRecord[] }> => {
    const role = billingRole(ctx.principal);
    if (role === 'none') throw notFound('That statement');
    let statement: StoredStatement | undefined;
    if ('number' in ref) {
      [statement] = await repo.list(tx, { number: ref.number.trim().toUpperCase() });
    } else {
      if (role === 'partner' || !isUuid(ref.runId)) throw notFound('That statement');
      const code = ref.organisation.trim().toUpperCase();
      statement = (await repo.list(tx, { runId: ref.runId })).find(
        (s) => s.org_code === code && s.kind === (ref.kind ?? 'statement'),
      );
    }
    // A partner sees its own issued statements only (row level security says the same).
    if (
      !statement ||
      (role === 'partner' && (statement.org_id !== ctx.principal.org.orgId || !statement.number))
    )
      throw notFound('That statement');
    if (role !== 'partner' && statement.host_org_id !== ctx.principal.org.orgId)
      throw notFound('That statement');
    let lines = await repo.lines(tx, {
      runId: statement.run_id,
      orgId: statement.org_id,
      kind: statement.kind,
    });
    if (role === 'service_manager') {
      const mine = new Set(await managedLineIds(tx, ctx.principal));
      lines = lines.filter((line) => mine.has(line.service_line_id));
    }
    return { statement, lines };
  };

  return {
    /** Statements the caller may see: a partner's managers their own issued ones; the host's readers, of a run or all issued. */
    async list(
      ctx: Caller,
      filter: { runId?: string; organisation?: string } = {},
    ): Promise<StoredStatement[]> {
      const role = billingRole(ctx.principal);
      if (role === 'none') throw forbidden('You cannot see statements');
      return unit(ctx, async (tx) => {
        if (role === 'partner') return repo.list(tx, { orgId: ctx.principal.org.orgId, issuedOnly: true });
        if (filter.runId !== undefined && !isUuid(filter.runId)) throw notFound('That recharge run');
        const all = await repo.list(tx, filter.runId ? { runId: filter.runId } : { issuedOnly: true });
        const code = filter.organisation?.trim().toUpperCase();
        return all.filter((s) => s.host_org_id === ctx.principal.org.orgId && (!code || s.org_code === code));
      });
    },

    async get(ctx: Caller, ref: StatementRef): Promise<StatementView> {
      return unit(ctx, async (tx) => {
        const { statement, lines } = await open(tx, ctx, ref);
        return presentStatement(statement, lines);
      });
    },

    /** Every statement of a run with its lines, for the host (the JSON and CSV exports of a run). */
    async ofRun(ctx: Caller, runId: string): Promise<StatementView[]> {
      const hostOrgId = requireHostReader(ctx.principal);
      if (!isUuid(runId)) throw notFound('That recharge run');
      return unit(ctx, async (tx) => {
        const run = await runsRepository.find(tx, hostOrgId, runId);
        if (!run) throw notFound('That recharge run');
        const statements = await repo.list(tx, { runId });
        let lines = await runsRepository.lineRecords(tx, runId);
        if (billingRole(ctx.principal) === 'service_manager') {
          const mine = new Set(await managedLineIds(tx, ctx.principal));
          lines = lines.filter((line) => mine.has(line.service_line_id));
        }
        const byStatement = new Map<string, LineRecord[]>();
        for (const line of lines) {
          const key = `${line.org_id}|${line.statement_kind}`;
          byStatement.set(key, [...(byStatement.get(key) ?? []), line]);
        }
        return statements
          .sort((a, b) =>
            a.org_code !== b.org_code ? (a.org_code < b.org_code ? -1 : 1) : a.kind < b.kind ? -1 : 1,
          )
          .map((s) => presentStatement(s, byStatement.get(`${s.org_id}|${s.kind}`) ?? []));
      });
    },

    /**
     * The events behind one line of a statement, found by the query its source keeps (never a stored
     * list): from a total to the single request. A page of events, oldest first, with their totals.
     * A pool share has no events: its source names the pool and the driver values instead.
     */
    async lineEvents(
      ctx: Caller,
      ref: StatementRef,
      lineNo: number,
      page: { after?: string | undefined; limit?: number | undefined } = {},
    ): Promise<LineEventsView> {
      return unit(ctx, async (tx) => {
        const { statement, lines } = await open(tx, ctx, ref);
        const line = lines.find((l) => l.line_no === lineNo);
        if (!line) throw notFound('That line');
        const source = line.source as {
          offeringIds?: string[];
          pricedOn?: Array<[string, string]>;
          recordedUpTo?: string;
        };
        if (!source.offeringIds || !source.pricedOn || !source.recordedUpTo)
          return { line: presentLine(line), events: [], totals: null, next: null };
        let after: { day: string; id: string } | null = null;
        if (page.after) {
          const [day, id] = Buffer.from(page.after, 'base64url').toString('utf8').split('|');
          if (!parseIsoDate(day) || !/^\d{1,19}$/.test(id ?? ''))
            throw validationFailed({ after: 'is not a page this list gave' });
          after = { day: day!, id: id! };
        }
        const limit = Math.min(Math.max(page.limit ?? 100, 1), 1000);
        const selection = {
          orgId: statement.org_id,
          hostOrgId: statement.host_org_id,
          offeringIds: source.offeringIds,
          pricedOn: source.pricedOn,
          from: statement.period_from,
          until: statement.period_until,
          recordedUpTo: source.recordedUpTo,
        };
        const rows: LineEvent[] = await repo.lineEvents(tx, { ...selection, after, limit: limit + 1 });
        const totals = await repo.lineEventTotals(tx, selection);
        const shown = rows.slice(0, limit);
        const last = rows.length > limit ? shown.at(-1)! : undefined;
        return {
          line: presentLine(line),
          events: shown.map((e) => ({
            id: e.id,
            occurredAt: e.occurred_at.toISOString(),
            occurredOn: e.occurred_on,
            quantity: formatQuantity(BigInt(e.quantity)),
            source: e.source,
            key: e.key,
            note: e.note,
            requestId: e.request_id,
            requestReference: e.request_reference,
            reverses: e.reverses,
          })),
          totals: { events: totals.events, quantity: formatQuantity(totals.quantity) },
          next: last ? Buffer.from(`${last.occurred_on}|${last.id}`).toString('base64url') : null,
        };
      });
    },

    /** The journal for the ledger: one row per statement and service line, with its cost centre and account. */
    async journal(ctx: Caller, runId: string): Promise<JournalRow[]> {
      const hostOrgId = requireHostReader(ctx.principal);
      if (!isUuid(runId)) throw notFound('That recharge run');
      return unit(ctx, async (tx) => {
        const run = await runsRepository.find(tx, hostOrgId, runId);
        if (!run) throw notFound('That recharge run');
        const codes = await journalCodes.list(tx, hostOrgId);
        const statements = await repo.list(tx, { runId });
        let lines = await runsRepository.lineRecords(tx, runId);
        // A service manager's journal, as their statements: the lines they manage.
        if (billingRole(ctx.principal) === 'service_manager') {
          const mine = new Set(await managedLineIds(tx, ctx.principal));
          lines = lines.filter((line) => mine.has(line.service_line_id));
        }
        const rows: JournalRow[] = [];
        const missing = new Set<string>();
        for (const statement of statements.sort((a, b) =>
          a.org_code + a.kind < b.org_code + b.kind ? -1 : 1,
        )) {
          const totals = new Map<string, { code: string; name: string; pence: bigint }>();
          for (const line of lines) {
            if (line.org_id !== statement.org_id || line.statement_kind !== statement.kind) continue;
            const entry = totals.get(line.service_line_id) ?? {
              code: line.service_line_code,
              name: line.service_line_name,
              pence: 0n,
            };
            entry.pence += BigInt(line.amount_pence);
            totals.set(line.service_line_id, entry);
          }
          for (const [lineId, total] of [...totals.entries()].sort((a, b) =>
            a[1].code < b[1].code ? -1 : 1,
          )) {
            const code = codes.get(lineId);
            if (!code) {
              missing.add(total.code);
              continue;
            }
            const what = statement.kind === 'credit_note' ? 'credit note' : 'statement';
            rows.push({
              statement: statement.number ?? 'draft',
              organisation: statement.org_code,
              period: statement.period,
              costCentre: code.costCentre,
              account: code.account,
              amountPence: total.pence,
              narrative: `${total.name} recharge ${statement.period}, ${statement.org_name}, ${what} ${statement.number ?? '(draft)'}`,
            });
          }
        }
        if (missing.size)
          throw new DomainError(
            'ERR_JOURNAL_CODES_MISSING',
            `No cost centre and account for ${[...missing].sort().join(', ')}: add them first`,
            { serviceLines: [...missing].sort() },
          );
        return rows;
      });
    },
  };
}

export interface JournalRow {
  statement: string;
  organisation: string;
  period: string;
  costCentre: string;
  account: string;
  amountPence: bigint;
  narrative: string;
}

export type StatementsService = ReturnType<typeof statementsService>;
export type { StatementKey };
