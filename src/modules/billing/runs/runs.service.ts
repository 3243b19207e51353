import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { parsePeriod } from '../../../kernel/periods.js';
import { meteringRepository } from '../../metering/index.js';
import { auditBy } from '../../audit/index.js';
import { requireFinance, requireHostReader } from '../billing.policy.js';
import { billingLookups } from '../billing.lookups.js';
import { statementsRepository, type StoredStatement } from '../statements/statements.repository.js';
import { computeCharges, loadReference } from './runs.engine.js';
import { contentDigest, contentRecords } from './runs.content.js';
import { runsRepository as repo, type Run } from './runs.repository.js';
import { inputsRepository } from './engine/inputs.repository.js';
import { computeCorrections } from './engine/corrections.js';

export interface NewRunInput {
  period?: unknown;
  /** Organisation codes; all organisations when absent or empty. */
  organisations?: unknown;
  /** `charge` (the default) or `true_up` (a financial year). */
  kind?: unknown;
}

/** A run after computing: whether the statements differ from the previous computation's. */
export interface ComputedRun {
  run: Run;
  changed: boolean;
}

function invalidPeriod(): DomainError {
  return new DomainError(
    'ERR_INVALID_PERIOD',
    'The period must be a month (2026-10), a quarter (2026-Q3) or a financial year (2026-27)',
    { fields: { period: 'must be a month, a quarter or a financial year' } },
  );
}

export function runsService(db: Database) {
  const unit = <T>(ctx: Caller, work: (tx: Tx) => Promise<T>) => inScope(db, scopeOf(ctx.principal), work);

  const findRun = async (tx: Tx, hostOrgId: string, id: string, lock = false) => {
    const run = isUuid(id) ? await repo.find(tx, hostOrgId, id, lock) : undefined;
    if (!run) throw notFound('That recharge run');
    return run;
  };

  /** The cut-off for a computation, in a unit of work of its own (see meteringRepository.usageCutoff). */
  const cutoffNow = (ctx: Caller) => unit(ctx, (tx) => meteringRepository.usageCutoff(tx));

  /** Computes a run's content and replaces its draft statements with it, in the caller's transaction. */
  const computeInto = async (tx: Tx, ctx: Caller, run: Run, cutoff: Date): Promise<ComputedRun> => {
    const ref = await loadReference(tx, run.hostOrgId);
    const computed =
      run.kind === 'correction'
        ? await computeCorrections(tx, ref, run, cutoff)
        : await computeCharges(tx, ref, {
            kind: run.kind,
            period: parsePeriod(run.period)!,
            orgIds: run.orgIds,
            cutoff,
          });
    const host = ref.orgs.get(run.hostOrgId)!;
    const records = contentRecords(
      run.id,
      { id: run.hostOrgId, code: host.code, name: host.name },
      ref,
      computed.statements,
    );
    const digest = contentDigest(records);
    await repo.replaceContent(tx, run.id, records.statements, records.lines);
    await repo.recordComputation(tx, run.id, {
      cutoff,
      inputs: { usageCutoff: cutoff.toISOString(), ...computed.inputs },
      unpriced: computed.unpriced,
      warnings: computed.warnings,
      totalPence: records.statements.reduce((sum, s) => sum + BigInt(s.total_pence), 0n),
      statementCount: records.statements.length,
      lineCount: records.lines.length,
      contentSha256: digest,
    });
    await auditBy(tx, ctx, {
      orgId: run.hostOrgId,
      action: 'recharge-run.compute',
      entityType: 'recharge_run',
      entityId: run.id,
      after: {
        computation: run.computation + 1,
        contentSha256: digest,
        statements: records.statements.length,
      },
    });
    const after = (await repo.find(tx, run.hostOrgId, run.id))!;
    return { run: after, changed: run.contentSha256 !== digest };
  };

  return {
    async list(ctx: Caller, period?: string): Promise<Run[]> {
      const hostOrgId = requireHostReader(ctx.principal);
      return unit(ctx, (tx) => repo.list(tx, hostOrgId, period));
    },

    async get(ctx: Caller, id: string): Promise<Run> {
      const hostOrgId = requireHostReader(ctx.principal);
      return unit(ctx, (tx) => findRun(tx, hostOrgId, id));
    },

    /** A new draft run for a period and the organisations chosen (all by default), computed at once. */
    async create(ctx: Caller, input: NewRunInput): Promise<ComputedRun> {
      const hostOrgId = requireFinance(ctx.principal);
      const period = parsePeriod(input.period);
      if (!period) throw invalidPeriod();
      const kind = input.kind === undefined || input.kind === null ? 'charge' : input.kind;
      if (kind !== 'charge' && kind !== 'true_up')
        throw validationFailed({ kind: 'must be charge or true_up' });
      if (kind === 'true_up' && period.kind !== 'financial_year')
        throw validationFailed({ period: 'a true-up is for a financial year, like 2026-27' });
      const codes = Array.isArray(input.organisations)
        ? input.organisations.map((code) => String(code).trim().toUpperCase()).filter(Boolean)
        : [];
      const cutoff = await cutoffNow(ctx);
      return unit(ctx, async (tx) => {
        let orgIds: string[] | null = null;
        if (codes.length) {
          const found = await billingLookups.organisationsByCode(tx, codes);
          const unknown = codes.filter((code) => !found.has(code));
          if (unknown.length)
            throw validationFailed({ organisations: `not organisations you serve: ${unknown.join(', ')}` });
          orgIds = [...new Set(codes.map((code) => found.get(code)!.id))].sort();
        }
        const id = await repo.create(tx, {
          hostOrgId,
          kind,
          period: period.code,
          periodFrom: period.from,
          periodUntil: period.until,
          orgIds,
          corrects: null,
          createdBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'recharge-run.create',
          entityType: 'recharge_run',
          entityId: id,
          after: { kind, period: period.code, organisations: codes.length ? codes : 'all' },
        });
        return computeInto(tx, ctx, (await repo.find(tx, hostOrgId, id))!, cutoff);
      });
    },

    /** Computes a draft (or reviewed) run again from the inputs as they now stand; it becomes a draft. */
    async compute(ctx: Caller, id: string): Promise<ComputedRun> {
      const hostOrgId = requireFinance(ctx.principal);
      await unit(ctx, async (tx) => assertNotIssued(await findRun(tx, hostOrgId, id)));
      const cutoff = await cutoffNow(ctx);
      return unit(ctx, async (tx) => {
        const run = await findRun(tx, hostOrgId, id, true);
        assertNotIssued(run);
        return computeInto(tx, ctx, run, cutoff);
      });
    },

    async review(ctx: Caller, id: string): Promise<Run> {
      const hostOrgId = requireFinance(ctx.principal);
      return unit(ctx, async (tx) => {
        const run = await findRun(tx, hostOrgId, id, true);
        if (run.status !== 'draft')
          throw new DomainError('ERR_RUN_NOT_DRAFT', 'Only a draft can be marked reviewed');
        if (!run.computedAt) throw new DomainError('ERR_RUN_NOT_COMPUTED', 'The run has not been computed');
        await repo.markReviewed(tx, run.id, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'recharge-run.review',
          entityType: 'recharge_run',
          entityId: run.id,
          after: { contentSha256: run.contentSha256 },
        });
        return (await repo.find(tx, hostOrgId, run.id))!;
      });
    },

    /**
     * Issues a reviewed run: its statements and credit notes are numbered, without gaps, in order of
     * organisation code, and from then on neither the run nor any of its statements or lines can
     * change (the database refuses). Refused while usage is unpriced or a warning blocks it, or when
     * an organisation already has an issued statement of the same kind for an overlapping period.
     */
    async issue(ctx: Caller, id: string): Promise<Run> {
      const hostOrgId = requireFinance(ctx.principal);
      return unit(ctx, async (tx) => {
        const run = await findRun(tx, hostOrgId, id, true);
        if (run.status !== 'reviewed')
          throw new DomainError('ERR_RUN_NOT_REVIEWED', 'Only a reviewed run can be issued: review it first');
        if (run.unpriced.length)
          throw new DomainError(
            'ERR_RUN_BLOCKED',
            `${run.unpriced.length} group(s) of usage have no price: price them and compute again`,
            {
              unpriced: run.unpriced,
            },
          );
        const blocking = run.warnings.filter((w) => w.blocking);
        if (blocking.length)
          throw new DomainError('ERR_RUN_BLOCKED', blocking.map((w) => w.message).join('; '), {
            warnings: blocking,
          });
        const statements = await repo.statementRecords(tx, run.id);
        if (run.kind !== 'correction') {
          const charged = await repo.alreadyCharged(tx, {
            hostOrgId,
            kind: run.kind,
            from: run.periodFrom,
            until: run.periodUntil,
            orgIds: statements.map((s) => s.org_id),
            exceptRun: run.id,
          });
          if (charged.length)
            throw new DomainError(
              'ERR_PERIOD_ALREADY_CHARGED',
              `Already charged: ${charged.map((c) => `${c.org_code} ${c.period} (${c.number})`).join(', ')}. Correct those statements instead`,
              { statements: charged },
            );
        }
        const host = (await inputsRepository.organisations(tx)).get(hostOrgId)!;
        for (const series of ['statement', 'credit_note'] as const) {
          const mine = statements
            .filter((s) => s.kind === series)
            .sort((a, b) => (a.org_code < b.org_code ? -1 : 1));
          if (!mine.length) continue;
          let next = await repo.takeNumbers(tx, hostOrgId, series, mine.length);
          for (const statement of mine) {
            const number = `${host.code}-${series === 'statement' ? 'S' : 'C'}-${String(next).padStart(6, '0')}`;
            await repo.numberStatement(tx, { runId: run.id, orgId: statement.org_id, kind: series }, number);
            next++;
          }
        }
        await repo.markIssued(tx, run.id, ctx.principal.userId);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'recharge-run.issue',
          entityType: 'recharge_run',
          entityId: run.id,
          after: {
            contentSha256: run.contentSha256,
            statements: statements.length,
            totalPence: String(run.totalPence),
          },
        });
        return (await repo.find(tx, hostOrgId, run.id))!;
      });
    },

    /** Throws a draft away, with its statements. An issued run cannot be (the database refuses too). */
    async discard(ctx: Caller, id: string): Promise<void> {
      const hostOrgId = requireFinance(ctx.principal);
      await unit(ctx, async (tx) => {
        const run = await findRun(tx, hostOrgId, id, true);
        assertNotIssued(run);
        await repo.remove(tx, run.id);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'recharge-run.discard',
          entityType: 'recharge_run',
          entityId: run.id,
          before: { kind: run.kind, period: run.period, status: run.status },
        });
      });
    },

    /**
     * A correction: a new draft run holding, for each issued statement named (all of one period, one
     * per organisation), a credit note that takes it back in full and a new statement computed from
     * the inputs as they now stand, both naming the statement they correct.
     */
    async correct(ctx: Caller, numbers: unknown): Promise<ComputedRun> {
      const hostOrgId = requireFinance(ctx.principal);
      const wanted = Array.isArray(numbers)
        ? [...new Set(numbers.map((n) => String(n).trim().toUpperCase()))].sort()
        : [];
      if (!wanted.length) throw validationFailed({ statements: 'name at least one issued statement' });
      const cutoff = await cutoffNow(ctx);
      return unit(ctx, async (tx) => {
        const found: StoredStatement[] = [];
        for (const number of wanted) {
          const [statement] = await statementsRepository.list(tx, { number });
          if (!statement || statement.host_org_id !== hostOrgId || statement.kind !== 'statement')
            throw validationFailed({ statements: `${number} is not an issued statement of yours` });
          found.push(statement);
        }
        if (new Set(found.map((s) => s.period)).size > 1)
          throw validationFailed({ statements: 'a correction covers statements of one period' });
        if (new Set(found.map((s) => s.org_id)).size < found.length)
          throw validationFailed({ statements: 'a correction covers one statement per organisation' });
        const period = parsePeriod(found[0]!.period)!;
        const id = await repo.create(tx, {
          hostOrgId,
          kind: 'correction',
          period: period.code,
          periodFrom: period.from,
          periodUntil: period.until,
          orgIds: found.map((s) => s.org_id).sort(),
          corrects: wanted,
          createdBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'recharge-run.create',
          entityType: 'recharge_run',
          entityId: id,
          after: { kind: 'correction', period: period.code, corrects: wanted },
        });
        return computeInto(tx, ctx, (await repo.find(tx, hostOrgId, id))!, cutoff);
      });
    },
  };
}

function assertNotIssued(run: Run): void {
  if (run.status === 'issued')
    throw new DomainError(
      'ERR_STATEMENT_ISSUED',
      'The run is issued: correct its statements with a credit note instead',
    );
}

export type RunsService = ReturnType<typeof runsService>;
