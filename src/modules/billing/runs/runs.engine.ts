/**
 * The recharge engine: what each organisation owes for a period, line by line, from the usage,
 * prices, arrangements, pools and driver values as they stand. Deterministic: the same inputs give
 * the same statements, in the same order, with nothing in them that depends on when they were made.
 *
 * The heavy part, the usage, is aggregated by the database (see `usageGroups`); everything here works
 * on a few rows per organisation and offering. Each charging model has its part: engine/usage.ts
 * (per unit, purchased hours) and engine/shared-costs.ts (fixed contributions, cost pools, the
 * true-up); engine/model.ts holds what they share. Here they are run and their lines put in order.
 */

import type { Period } from '../../../kernel/periods.js';
import type { Tx } from '../../../platform/db/index.js';
export {
  loadReference,
  type ChargeRequest,
  type Computed,
  type LineDraft,
  type LineKind,
  type Reference,
  type RunInputs,
  type StatementDraft,
} from './engine/model.js';
import {
  Collector,
  type ChargeRequest,
  type Computed,
  type LineDraft,
  type LineKind,
  type Reference,
  type StatementDraft,
} from './engine/model.js';
import { chargeUsage } from './engine/usage.js';
import { chargeFixedContributions, chargePools, trueUpPools } from './engine/shared-costs.js';

/** Lines of a service line are shown in this order of kind. */
const KIND_ORDER: Record<LineKind, number> = {
  fixed_contribution: 1,
  purchased_hours: 2,
  hours_drawdown: 3,
  overage: 4,
  usage: 5,
  pool_share: 6,
  true_up: 7,
};

/** Computes a charge or true-up run's statements from the inputs as they stand. */
export async function computeCharges(tx: Tx, ref: Reference, request: ChargeRequest): Promise<Computed> {
  const out = new Collector();
  const selected = (orgId: string) => request.orgIds === null || request.orgIds.includes(orgId);
  if (request.kind === 'charge') {
    await chargeUsage(tx, ref, request, out, selected);
    chargeFixedContributions(ref, request.period, out, selected);
    await chargePools(tx, ref, request.period, out, selected);
  } else {
    await trueUpPools(tx, ref, request.period, out, selected);
  }
  return assemble(ref, request.period, out);
}

function compareLines(ref: Reference) {
  return (a: LineDraft, b: LineDraft): number => {
    const la = ref.lines.get(a.serviceLineId)?.code ?? '';
    const lb = ref.lines.get(b.serviceLineId)?.code ?? '';
    if (la !== lb) return la < lb ? -1 : 1;
    const oa = a.offeringId ? (ref.offerings.get(a.offeringId)?.code ?? '') : '';
    const ob = b.offeringId ? (ref.offerings.get(b.offeringId)?.code ?? '') : '';
    if (oa !== ob) return oa < ob ? -1 : 1;
    if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
    const pa = a.unitPricePence ?? -1n;
    const pb = b.unitPricePence ?? -1n;
    if (pa !== pb) return pa < pb ? -1 : 1;
    const ra = a.order ?? '';
    const rb = b.order ?? '';
    if (ra !== rb) return ra < rb ? -1 : 1;
    return a.description < b.description ? -1 : a.description > b.description ? 1 : 0;
  };
}

function assemble(ref: Reference, period: Period, out: Collector): Computed {
  const order = compareLines(ref);
  const statements: StatementDraft[] = [...out.lines.entries()]
    .map(([orgId, lines]) => ({
      orgId,
      kind: 'statement' as const,
      period,
      corrects: null,
      lines: [...lines].sort(order),
    }))
    .sort((a, b) => {
      const ca = ref.orgs.get(a.orgId)?.code ?? a.orgId;
      const cb = ref.orgs.get(b.orgId)?.code ?? b.orgId;
      return ca < cb ? -1 : ca > cb ? 1 : 0;
    });
  const byId = <T extends { id: string }>(items: Iterable<T>) =>
    [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    statements,
    unpriced: out.unpriced,
    warnings: [...out.warnings].sort((a, b) =>
      a.blocking !== b.blocking
        ? a.blocking
          ? -1
          : 1
        : a.message < b.message
          ? -1
          : a.message > b.message
            ? 1
            : 0,
    ),
    inputs: {
      tariffs: byId(out.tariffs.values()).map((t) => ({
        id: t.id,
        pricePence: String(t.pricePence),
        validFrom: t.validFrom,
        validTo: t.validTo,
      })),
      arrangements: byId(out.arrangements.values()).map((a) => ({ id: a.id, version: a.version })),
      pools: byId(out.pools.values()).map((p) => ({
        id: p.id,
        version: p.version,
        amountPence: String(p.amountPence),
      })),
      driverValues: byId(out.driverValues.values()).map((v) => ({ id: v.id, version: v.version })),
    },
  };
}
