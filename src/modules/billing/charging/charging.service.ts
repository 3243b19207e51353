import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { forbidden, notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { addDays, parseIsoDate } from '../../../kernel/dates.js';
import { parseQuantity } from '../../../kernel/quantity.js';
import { financialYearOf, parsePeriod } from '../../../kernel/periods.js';
import { managedLineIds } from '../../metering/index.js';
import { auditBy } from '../../audit/index.js';
import { billingRole, requireFinance } from '../billing.policy.js';
import { parseAmountPence } from '../billing.money.js';
import { billingLookups } from '../billing.lookups.js';
import {
  CHARGING_MODELS,
  chargingRepository as repo,
  type Arrangement,
  type ChargingModel,
} from './charging.repository.js';

/** A charging arrangement as given through the API (amounts in pounds, hours as decimals). */
export interface ArrangementInput {
  organisation?: unknown;
  serviceLine?: unknown;
  model?: unknown;
  validFrom?: unknown;
  validTo?: unknown;
  annualAmount?: unknown;
  blockHours?: unknown;
  hourRate?: unknown;
  overageRate?: unknown;
  toleranceBasisPoints?: unknown;
  reviewPercent?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function wholeIn(value: unknown, low: number, high: number, fallback: number): number | undefined {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(text(value));
  return Number.isInteger(n) && n >= low && n <= high ? n : undefined;
}

/** What the purchased-hours balance of an arrangement is on a day. */
export interface HoursBalance {
  arrangementId: string;
  financialYear: string;
  /** Thousandths of an hour. */
  blockHours: bigint;
  usedHours: bigint;
  remainingHours: bigint;
}

export function chargingService(db: Database) {
  const unit = <T>(ctx: Caller, work: (tx: Tx) => Promise<T>) => inScope(db, scopeOf(ctx.principal), work);

  return {
    /**
     * Arrangements the caller may see: the host's finance officers and executives all, a service
     * manager those of their lines, a partner's managers their own.
     */
    async list(
      ctx: Caller,
      filter: { organisation?: string; serviceLine?: string } = {},
    ): Promise<Arrangement[]> {
      const role = billingRole(ctx.principal);
      if (role === 'none') throw forbidden('You cannot see charging arrangements');
      return unit(ctx, async (tx) => {
        const lineIds = role === 'service_manager' ? await managedLineIds(tx, ctx.principal) : null;
        const all = await repo.list(tx, {
          hostOrgId: role === 'partner' ? null : ctx.principal.org.orgId,
          orgId: role === 'partner' ? ctx.principal.org.orgId : null,
          lineIds,
        });
        return all.filter(
          (a) =>
            (!filter.organisation || a.orgCode === filter.organisation.toUpperCase()) &&
            (!filter.serviceLine || a.serviceLineCode === filter.serviceLine.toUpperCase()),
        );
      });
    },

    async add(ctx: Caller, input: ArrangementInput): Promise<Arrangement> {
      const hostOrgId = requireFinance(ctx.principal);
      return unit(ctx, async (tx) => {
        const errors: FieldErrors = {};
        const orgCode = text(input.organisation).toUpperCase();
        const lineCode = text(input.serviceLine).toUpperCase();
        const org = (await billingLookups.organisationsByCode(tx, [orgCode])).get(orgCode);
        const lineId = (await billingLookups.serviceLinesByCode(tx, hostOrgId)).get(lineCode);
        if (!org) errors.organisation = 'is not an organisation you serve';
        else if (org.id === hostOrgId) errors.organisation = 'is the host, which bears its own costs';
        if (!lineId) errors.serviceLine = 'is not one of your service lines';
        const model = text(input.model) as ChargingModel;
        if (!CHARGING_MODELS.includes(model)) errors.model = `must be one of ${CHARGING_MODELS.join(', ')}`;
        const validFrom = parseIsoDate(input.validFrom);
        const validTo =
          input.validTo === undefined || input.validTo === null || input.validTo === ''
            ? null
            : parseIsoDate(input.validTo);
        if (!validFrom) errors.validFrom = 'must be a date, YYYY-MM-DD';
        if (validTo === undefined) errors.validTo = 'must be a date, YYYY-MM-DD, or empty';
        else if (validFrom && validTo !== null && validTo < validFrom)
          errors.validTo = 'must not be before validFrom';

        let annualPence: bigint | null = null;
        let blockHours: bigint | null = null;
        let hourRatePence: bigint | null = null;
        let overageRatePence: bigint | null = null;
        if (model === 'fixed_contribution') {
          annualPence = parseAmountPence(text(input.annualAmount)) ?? null;
          if (annualPence === null) errors.annualAmount = 'must be an amount in pounds, like 24000.00';
        }
        if (model === 'purchased_hours') {
          const hours = parseQuantity(text(input.blockHours));
          if ('problem' in hours) errors.blockHours = 'must be a number of hours, up to 3 decimal places';
          else blockHours = hours.thousandths;
          hourRatePence = parseAmountPence(text(input.hourRate)) ?? null;
          overageRatePence = parseAmountPence(text(input.overageRate)) ?? null;
          if (hourRatePence === null) errors.hourRate = 'must be an amount in pounds';
          if (overageRatePence === null) errors.overageRate = 'must be an amount in pounds';
        }
        for (const field of ['annualAmount', 'blockHours', 'hourRate', 'overageRate'] as const) {
          const given = input[field] !== undefined && input[field] !== null && input[field] !== '';
          const wanted =
            (field === 'annualAmount' && model === 'fixed_contribution') ||
            (field !== 'annualAmount' && model === 'purchased_hours');
          if (given && !wanted) errors[field] = `does not apply to ${model || 'that model'}`;
        }
        const tolerance = wholeIn(input.toleranceBasisPoints, 0, 10_000, 300);
        const review = wholeIn(input.reviewPercent, 0, 1_000, 10);
        if (tolerance === undefined)
          errors.toleranceBasisPoints = 'must be a whole number of basis points, 0 to 10000';
        if (review === undefined) errors.reviewPercent = 'must be a whole percentage, 0 to 1000';
        if (Object.keys(errors).length) throw validationFailed(errors);

        const id = await repo.insert(tx, {
          orgId: org!.id,
          hostOrgId,
          serviceLineId: lineId!,
          model,
          validFrom: validFrom!,
          validTo: validTo!,
          annualPence,
          blockHours,
          hourRatePence,
          overageRatePence,
          toleranceBasisPoints: tolerance!,
          reviewPercent: review!,
          createdBy: ctx.principal.userId,
        });
        const [added] = await repo.list(tx, { id });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'charging-arrangement.add',
          entityType: 'charging_arrangement',
          entityId: id,
          after: snapshot(added!),
        });
        return added!;
      });
    },

    /** Ends an arrangement on a day (both inclusive), or clears its end with null: a new version. */
    async end(ctx: Caller, id: string, validToInput: unknown): Promise<Arrangement> {
      const hostOrgId = requireFinance(ctx.principal);
      if (!isUuid(id)) throw notFound('That arrangement');
      return unit(ctx, async (tx) => {
        const [before] = await repo.list(tx, { id, hostOrgId });
        if (!before) throw notFound('That arrangement');
        const validTo = validToInput === null ? null : parseIsoDate(validToInput);
        if (validTo === undefined) throw validationFailed({ validTo: 'must be a date, YYYY-MM-DD, or null' });
        if (validTo !== null && validTo < before.validFrom)
          throw validationFailed({ validTo: 'must not be before the arrangement starts' });
        await repo.setEnd(tx, id, validTo);
        const [after] = await repo.list(tx, { id });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'charging-arrangement.end',
          entityType: 'charging_arrangement',
          entityId: id,
          before: snapshot(before),
          after: snapshot(after!),
        });
        return after!;
      });
    },

    /** The balance of a purchased-hours arrangement in the financial year of `on` (a date in England). */
    async hoursBalance(ctx: Caller, id: string, on: string): Promise<HoursBalance> {
      const role = billingRole(ctx.principal);
      if (role === 'none' || !isUuid(id)) throw notFound('That arrangement');
      const day = parseIsoDate(on);
      if (!day) throw validationFailed({ on: 'must be a date, YYYY-MM-DD' });
      return unit(ctx, async (tx) => {
        const [arrangement] = await repo.list(tx, {
          id,
          ...(role === 'partner'
            ? { orgId: ctx.principal.org.orgId }
            : { hostOrgId: ctx.principal.org.orgId }),
        });
        if (!arrangement || arrangement.model !== 'purchased_hours')
          throw notFound('That purchased-hours arrangement');
        const year = parsePeriod(financialYearOf(day))!;
        const from = arrangement.validFrom > year.from ? arrangement.validFrom : year.from;
        const next = nextDay(day);
        const used = await repo.hoursUsed(tx, arrangement.orgId, arrangement.serviceLineId, from, next);
        return {
          arrangementId: id,
          financialYear: year.code,
          blockHours: arrangement.blockHours!,
          usedHours: used,
          remainingHours: arrangement.blockHours! - used,
        };
      });
    },
  };
}

const nextDay = (day: string) => addDays(day, 1);

function snapshot(a: Arrangement) {
  return {
    organisation: a.orgCode,
    serviceLine: a.serviceLineCode,
    model: a.model,
    validFrom: a.validFrom,
    validTo: a.validTo,
    annualPence: a.annualPence?.toString() ?? null,
    blockHours: a.blockHours?.toString() ?? null,
    hourRatePence: a.hourRatePence?.toString() ?? null,
    overageRatePence: a.overageRatePence?.toString() ?? null,
    toleranceBasisPoints: a.toleranceBasisPoints,
    reviewPercent: a.reviewPercent,
    version: a.version,
  };
}

export type ChargingService = ReturnType<typeof chargingService>;
