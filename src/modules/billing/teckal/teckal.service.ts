import { sql } from 'kysely';
import { isPlatformAdmin, scopeOf, type Caller, type Principal } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { forbidden, notFound, validationFailed } from '../../../platform/errors.js';
import { londonDate, parseIsoDate } from '../../../kernel/dates.js';
import { financialYearOf, parsePeriod } from '../../../kernel/periods.js';
import { auditBy } from '../../audit/index.js';
import { billingRole } from '../billing.policy.js';
import { statementsRepository } from '../statements/statements.repository.js';

/** Public Contracts Regulations 2015, reg. 12: more than 80% of the activity for the controlling bodies. */
export const TECKAL_LIMIT_BASIS_POINTS = 2000;
/** From here the indicator warns that work for others is approaching the limit. */
export const TECKAL_WARNING_BASIS_POINTS = 1500;

export interface TeckalIndicator {
  /** The three financial years counted, oldest first, each with its turnover and work for others. */
  years: Array<{
    financialYear: string;
    turnoverPence: number;
    othersPence: number;
    shareBasisPoints: number;
  }>;
  turnoverPence: number;
  othersPence: number;
  /** Work for organisations that do not control the host, as a share of turnover. */
  shareBasisPoints: number;
  limitBasisPoints: number;
  status: 'within' | 'approaching' | 'over';
  organisations: Array<{ code: string; name: string; controlling: boolean; turnoverPence: number }>;
}

function share(part: bigint, whole: bigint): number {
  return whole <= 0n ? 0 : Number((part * 20000n + whole) / (whole * 2n));
}

/** Whether a person may read the Teckal indicator: the host's finance officers and executives. */
export function canSeeTeckal(principal: Principal): boolean {
  const role = billingRole(principal);
  return role === 'finance' || role === 'executive';
}

/**
 * The indicator of `hostOrgId` as at `day`, in the caller's unit of work (for a use case that
 * reads it with other figures, such as the report pack, once `canSeeTeckal` has allowed it).
 */
export async function teckalIndicatorIn(tx: Tx, hostOrgId: string, day: string): Promise<TeckalIndicator> {
  const last = parsePeriod(financialYearOf(day))!;
  const firstYear = Number(last.code.slice(0, 4)) - 2;
  const first = parsePeriod(financialYearOf(`${firstYear}-04-01`))!;
  const totals = await statementsRepository.issuedTotals(tx, hostOrgId, first.from, last.until);
  const ids = [...new Set(totals.map((t) => t.org_id))];
  const flags = await sql<{ id: string; controlling: boolean }>`
      select id, controlling from organisations where id = any (${ids}::uuid[])`.execute(tx);
  const controlling = new Map(flags.rows.map((row) => [row.id, row.controlling]));
  const isOther = (orgId: string) => orgId !== hostOrgId && controlling.get(orgId) !== true;
  const years = [0, 1, 2].map((offset) => {
    const start = firstYear + offset;
    return { code: financialYearOf(`${start}-04-01`), turnover: 0n, others: 0n };
  });
  const byOrg = new Map<string, { code: string; name: string; controlling: boolean; pence: bigint }>();
  for (const row of totals) {
    const year = years.find((y) => y.code === financialYearOf(row.period_from))!;
    const pence = BigInt(row.total_pence);
    year.turnover += pence;
    if (isOther(row.org_id)) year.others += pence;
    const org = byOrg.get(row.org_id) ?? {
      code: row.org_code,
      name: row.org_name,
      controlling: !isOther(row.org_id),
      pence: 0n,
    };
    org.pence += pence;
    byOrg.set(row.org_id, org);
  }
  const turnover = years.reduce((sum, y) => sum + y.turnover, 0n);
  const others = years.reduce((sum, y) => sum + y.others, 0n);
  const shareBasisPoints = share(others, turnover);
  return {
    years: years.map((y) => ({
      financialYear: y.code,
      turnoverPence: Number(y.turnover),
      othersPence: Number(y.others),
      shareBasisPoints: share(y.others, y.turnover),
    })),
    turnoverPence: Number(turnover),
    othersPence: Number(others),
    shareBasisPoints,
    limitBasisPoints: TECKAL_LIMIT_BASIS_POINTS,
    status:
      shareBasisPoints > TECKAL_LIMIT_BASIS_POINTS
        ? 'over'
        : shareBasisPoints >= TECKAL_WARNING_BASIS_POINTS
          ? 'approaching'
          : 'within',
    organisations: [...byOrg.values()]
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .map((o) => ({
        code: o.code,
        name: o.name,
        controlling: o.controlling,
        turnoverPence: Number(o.pence),
      })),
  };
}

export function teckalService(db: Database) {
  return {
    /**
     * The share of turnover, over the last three financial years of issued statements (credit notes
     * netted), from organisations that do not control the host. The host's own share counts as work
     * for a controlling body. For the host's finance officers and executives.
     */
    async indicator(ctx: Caller, asOf?: string): Promise<TeckalIndicator> {
      if (!canSeeTeckal(ctx.principal)) throw forbidden('You cannot see the Teckal indicator');
      const day = asOf === undefined ? londonDate() : parseIsoDate(asOf);
      if (!day) throw validationFailed({ asOf: 'must be a date, YYYY-MM-DD' });
      return inScope(db, scopeOf(ctx.principal), (tx) => teckalIndicatorIn(tx, ctx.principal.org.orgId, day));
    },

    /** Records whether an organisation controls the host company (platform administrators). */
    async setControlling(ctx: Caller, code: string, value: boolean): Promise<void> {
      if (!isPlatformAdmin(ctx.principal))
        throw forbidden('Only platform administrators record who controls the host');
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const result = await sql<{ id: string; before: boolean }>`
          update organisations o set controlling = ${value}, updated_at = now()
            from (select id, controlling as before from organisations where code = ${code.trim().toUpperCase()}) old
           where o.id = old.id
          returning o.id, old.before`.execute(tx);
        const changed = result.rows[0];
        if (!changed) throw notFound('That organisation');
        await auditBy(tx, ctx, {
          orgId: changed.id,
          action: 'organisation.controlling',
          entityType: 'organisation',
          entityId: changed.id,
          before: { controlling: changed.before },
          after: { controlling: value },
        });
      });
    },
  };
}

export type TeckalService = ReturnType<typeof teckalService>;
