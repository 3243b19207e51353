import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database } from '../../../platform/db/index.js';
import { notFound, validationFailed } from '../../../platform/errors.js';
import { now } from '../../../platform/clock.js';
import { translate } from '../../../platform/web/index.js';
import { addDays, londonDate } from '../../../kernel/dates.js';
import { financialYearOf } from '../../../kernel/periods.js';
import { canSeeTeckal, teckalIndicatorIn } from '../../billing/index.js';
import { planningPolicy as policy, type LedgerScope } from '../planning.policy.js';
import { buildLedger } from '../savings/savings.ledger.js';
import { savingsRepository } from '../savings/savings.repository.js';
import { assemblePack, lastCompleteQuarter, parseQuarter, type ReportPack } from './reports.pack.js';
import { reportsRepository as repo, type PackScope } from './reports.repository.js';

/** Which pack: the quarter as typed, and for the host one partner's (by code) instead of the partnership's. */
export interface PackRequest {
  quarter: unknown;
  organisation?: string | undefined;
}

export function reportsService(db: Database) {
  return {
    /** The quarter a pack shows when none is chosen: the last to have ended, in England. */
    defaultQuarter(): string {
      return lastCompleteQuarter(londonDate(now()));
    },

    /**
     * A quarter's report pack: the partnership's for the host (or one partner's, by code; its own
     * code is the partnership's), a partner's own for its managers. A partner naming any other
     * organisation finds nothing there, as does the host naming one that is not its partner.
     */
    async pack(ctx: Caller, request: PackRequest): Promise<ReportPack> {
      const ledgerScope = policy.readReportPack(ctx.principal);
      const own = ctx.principal.org;
      const code = request.organisation?.trim().toUpperCase() || undefined;
      if (ledgerScope.kind === 'partner' && code !== undefined && code !== own.code)
        throw notFound('That report pack');
      const quarter = parseQuarter(request.quarter);
      if (!quarter) throw validationFailed({ quarter: translate('reports.errors.quarter') });
      const financialYear = financialYearOf(quarter.from);

      const found = await inScope(db, scopeOf(ctx.principal), async (tx) => {
        let scope: PackScope;
        let ledger: LedgerScope;
        let subject = { code: own.code, name: own.name };
        if (ledgerScope.kind === 'partner') {
          scope = { kind: 'partner', orgId: own.orgId, hostOrgId: null };
          ledger = ledgerScope;
        } else if (code !== undefined && code !== own.code) {
          const partner = await repo.partner(tx, code);
          if (!partner) throw notFound('That report pack');
          scope = { kind: 'partner', orgId: partner.id, hostOrgId: ledgerScope.hostOrgId };
          ledger = { kind: 'partner', orgId: partner.id };
          subject = { code: partner.code, name: partner.name };
        } else {
          scope = { kind: 'partnership', hostOrgId: ledgerScope.hostOrgId };
          ledger = ledgerScope;
        }
        return {
          scope,
          subject,
          requests: await repo.requests(tx, scope, quarter),
          usage: await repo.usage(tx, scope, quarter),
          charges: await repo.charges(tx, scope, quarter, financialYear),
          charged: await repo.chargedToQuarterEnd(tx, scope, quarter, financialYear),
          entries: (await savingsRepository.entries(tx, ledger)).filter((e) => e.year === financialYear),
          names: await savingsRepository.names(tx, ledger),
          // The host's activity as a whole: the partnership's pack only, for those billing lets read it.
          teckal:
            scope.kind === 'partnership' && canSeeTeckal(ctx.principal)
              ? await teckalIndicatorIn(tx, scope.hostOrgId, addDays(quarter.until, -1))
              : null,
        };
      });

      return assemblePack({
        scope: found.scope.kind,
        organisation: found.subject,
        quarter,
        producedAt: now(),
        requests: found.requests,
        usage: found.usage,
        charges: found.charges,
        ledger: buildLedger({
          entries: found.entries,
          charges: found.charged,
          toleranceBasisPoints: found.names.toleranceBasisPoints,
        }),
        organisations: found.names.organisations,
        lines: found.names.lines,
        teckal: found.teckal,
      });
    },
  };
}

export type ReportsService = ReturnType<typeof reportsService>;
