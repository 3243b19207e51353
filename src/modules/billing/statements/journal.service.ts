import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database } from '../../../platform/db/index.js';
import { notFound, validationFailed } from '../../../platform/errors.js';
import { auditBy } from '../../audit/index.js';
import { requireFinance, requireHostReader } from '../billing.policy.js';
import { billingLookups } from '../billing.lookups.js';
import { journalCodes } from './journal.repository.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,19}$/;

export function journalService(db: Database) {
  return {
    async list(ctx: Caller): Promise<Array<{ serviceLine: string; costCentre: string; account: string }>> {
      const hostOrgId = requireHostReader(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) =>
        [...(await journalCodes.list(tx, hostOrgId)).values()].map((code) => ({
          serviceLine: code.lineCode,
          costCentre: code.costCentre,
          account: code.account,
        })),
      );
    },

    /** Sets where a service line's charges go in the ledger. */
    async set(
      ctx: Caller,
      lineCode: string,
      input: { costCentre?: unknown; account?: unknown },
    ): Promise<void> {
      const hostOrgId = requireFinance(ctx.principal);
      const costCentre = typeof input.costCentre === 'string' ? input.costCentre.trim() : '';
      const account = typeof input.account === 'string' ? input.account.trim() : '';
      const errors: Record<string, string> = {};
      if (!CODE.test(costCentre)) errors.costCentre = 'must be 1 to 20 letters, digits or / _ . -';
      if (!CODE.test(account)) errors.account = 'must be 1 to 20 letters, digits or / _ . -';
      if (Object.keys(errors).length) throw validationFailed(errors);
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const lineId = (await billingLookups.serviceLinesByCode(tx, hostOrgId)).get(
          lineCode.trim().toUpperCase(),
        );
        if (!lineId) throw notFound('That service line');
        await journalCodes.set(tx, hostOrgId, lineId, costCentre, account);
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'journal-code.set',
          entityType: 'journal_code',
          entityId: lineId,
          after: { serviceLine: lineCode.toUpperCase(), costCentre, account },
        });
      });
    },
  };
}

export type JournalService = ReturnType<typeof journalService>;
