import { formatQuantity, lineAmount } from '../../../../kernel/quantity.js';
import { financialYearOf, parsePeriod } from '../../../../kernel/periods.js';
import type { Tx } from '../../../../platform/db/index.js';
import { formatMoney } from '../../billing.money.js';
import type { UnpricedUsage } from '../runs.repository.js';
import {
  inputsRepository as inputs,
  type ArrangementInfo,
  type OfferingInfo,
  type UsageGroup,
} from './inputs.repository.js';
import {
  addMonthlyParts,
  arrangementOn,
  type Collector,
  boundaries,
  mergeRanges,
  priceOn,
  type ChargeRequest,
  type Reference,
} from './model.js';

/** Per unit (usage at its price on its day) and purchased hours (a block drawn down, then overage). */

export async function chargeUsage(
  tx: Tx,
  ref: Reference,
  request: ChargeRequest,
  out: Collector,
  selected: (orgId: string) => boolean,
) {
  const { period, cutoff } = request;
  const groups = await inputs.usageGroups(tx, {
    hostOrgId: ref.hostOrgId,
    from: period.from,
    until: period.until,
    cutoff,
    orgIds: request.orgIds,
    boundaries: boundaries(ref, period),
  });
  groups.sort((a, b) =>
    a.orgId !== b.orgId
      ? a.orgId < b.orgId
        ? -1
        : 1
      : a.offeringId !== b.offeringId
        ? a.offeringId < b.offeringId
          ? -1
          : 1
        : a.firstDay < b.firstDay
          ? -1
          : 1,
  );

  const perUnit = new Map<
    string,
    {
      orgId: string;
      offering: OfferingInfo;
      price: bigint;
      quantity: bigint;
      events: number;
      tariffs: Set<string>;
      days: Array<[string, string]>;
      recordedUpTo: string;
    }
  >();
  const hours = new Map<string, { orgId: string; arrangement: ArrangementInfo; groups: UsageGroup[] }>();
  const unpriced = new Map<string, UnpricedUsage>();

  for (const group of groups) {
    if (!selected(group.orgId)) continue;
    const offering = ref.offerings.get(group.offeringId);
    if (!offering) continue;
    const arrangement = arrangementOn(ref, group.orgId, offering.serviceLineId, group.firstDay);
    const model = arrangement?.model ?? 'per_unit';
    if (model === 'cost_pool' || model === 'fixed_contribution') {
      out.arrangements.set(arrangement!.id, arrangement!);
      continue;
    }
    if (model === 'purchased_hours' && offering.unit === 'hour') {
      const entry = hours.get(arrangement!.id) ?? {
        orgId: group.orgId,
        arrangement: arrangement!,
        groups: [],
      };
      entry.groups.push(group);
      hours.set(arrangement!.id, entry);
      continue;
    }
    const tariff = priceOn(ref, group.orgId, group.offeringId, group.firstDay);
    if (!tariff) {
      const key = `${group.orgId}|${group.offeringId}`;
      const known = unpriced.get(key);
      if (known) {
        known.quantity = String(BigInt(known.quantity) + group.quantity);
        known.events += group.events;
        if (group.firstDay < known.firstDay) known.firstDay = group.firstDay;
        if (group.lastDay > known.lastDay) known.lastDay = group.lastDay;
      } else
        unpriced.set(key, {
          organisation: ref.orgs.get(group.orgId)?.code ?? group.orgId,
          offering: offering.code,
          firstDay: group.firstDay,
          lastDay: group.lastDay,
          quantity: String(group.quantity),
          events: group.events,
        });
      continue;
    }
    if (arrangement) out.arrangements.set(arrangement.id, arrangement);
    out.tariffs.set(tariff.id, tariff);
    const key = `${group.orgId}|${group.offeringId}|${tariff.pricePence}`;
    const entry = perUnit.get(key) ?? {
      orgId: group.orgId,
      offering,
      price: tariff.pricePence,
      quantity: 0n,
      events: 0,
      tariffs: new Set<string>(),
      days: [],
      recordedUpTo: group.lastRecordedAt,
    };
    if (group.lastRecordedAt > entry.recordedUpTo) entry.recordedUpTo = group.lastRecordedAt;
    entry.quantity += group.quantity;
    entry.events += group.events;
    entry.tariffs.add(tariff.id);
    entry.days.push([group.firstDay, group.lastDay]);
    perUnit.set(key, entry);
  }

  for (const entry of perUnit.values()) {
    out.add(entry.orgId, {
      serviceLineId: entry.offering.serviceLineId,
      offeringId: entry.offering.id,
      kind: 'usage',
      description: entry.offering.name,
      quantity: entry.quantity,
      unit: entry.offering.unit,
      unitPricePence: entry.price,
      amountPence: lineAmount(entry.quantity, entry.price),
      source: {
        offeringIds: [entry.offering.id],
        pricedOn: mergeRanges(entry.days),
        recordedUpTo: entry.recordedUpTo,
        tariffIds: [...entry.tariffs].sort(),
        events: entry.events,
      },
    });
  }
  out.unpriced.push(
    ...[...unpriced.values()].sort((a, b) =>
      a.organisation + a.offering < b.organisation + b.offering ? -1 : 1,
    ),
  );

  await chargePurchasedHours(tx, ref, request, out, selected, hours);
}

async function chargePurchasedHours(
  tx: Tx,
  ref: Reference,
  request: ChargeRequest,
  out: Collector,
  selected: (orgId: string) => boolean,
  hours: Map<string, { orgId: string; arrangement: ArrangementInfo; groups: UsageGroup[] }>,
) {
  const { period } = request;
  const year = parsePeriod(financialYearOf(period.from))!;
  const arrangements = ref.arrangements.filter(
    (a) =>
      a.model === 'purchased_hours' &&
      selected(a.orgId) &&
      a.validFrom < period.until &&
      (a.validTo === null || a.validTo >= period.from),
  );
  for (const arrangement of arrangements) {
    out.arrangements.set(arrangement.id, arrangement);
    const line = ref.lines.get(arrangement.serviceLineId);
    const block = arrangement.blockHours!;
    const rate = arrangement.hourRatePence!;
    addMonthlyParts(out, arrangement, period, {
      kind: 'purchased_hours',
      annualPence: lineAmount(block, rate),
      what: `Purchased hours for ${line?.name ?? 'the line'}: ${formatQuantity(block)} hours a year at ${formatMoney(rate)}`,
    });
    const used = hours.get(arrangement.id);
    const usedHours = used?.groups.reduce((sum, g) => sum + g.quantity, 0n) ?? 0n;
    const hourOfferings = [...ref.offerings.values()]
      .filter((o) => o.serviceLineId === arrangement.serviceLineId && o.unit === 'hour')
      .map((o) => o.id)
      .sort();
    const since = arrangement.validFrom > year.from ? arrangement.validFrom : year.from;
    const before = await inputs.hoursBefore(tx, {
      orgId: arrangement.orgId,
      offeringIds: hourOfferings,
      from: since,
      until: period.from,
      cutoff: request.cutoff,
    });
    if (!used) continue;
    const remaining = block - before;
    const fromBlock =
      usedHours <= 0n ? usedHours : remaining <= 0n ? 0n : remaining < usedHours ? remaining : usedHours;
    const overage = usedHours - fromBlock;
    const source = {
      arrangementId: arrangement.id,
      version: arrangement.version,
      offeringIds: [...new Set(used.groups.map((g) => g.offeringId))].sort(),
      pricedOn: mergeRanges(used.groups.map((g) => [g.firstDay, g.lastDay] as [string, string])),
      recordedUpTo: used.groups.reduce((max, g) => (g.lastRecordedAt > max ? g.lastRecordedAt : max), ''),
      events: used.groups.reduce((sum, g) => sum + g.events, 0),
      blockHours: String(block),
      hoursBefore: String(before),
      hoursUsed: String(usedHours),
      remainingAfter: String(block - before - usedHours),
    };
    out.add(arrangement.orgId, {
      serviceLineId: arrangement.serviceLineId,
      offeringId: null,
      kind: 'hours_drawdown',
      description: `Hours drawn from the purchased block: ${formatQuantity(block - before - fromBlock > 0n ? block - before - fromBlock : 0n)} of ${formatQuantity(block)} left`,
      quantity: fromBlock,
      unit: 'hour',
      unitPricePence: null,
      amountPence: 0n,
      source,
    });
    if (overage > 0n)
      out.add(arrangement.orgId, {
        serviceLineId: arrangement.serviceLineId,
        offeringId: null,
        kind: 'overage',
        description: 'Hours beyond the purchased block',
        quantity: overage,
        unit: 'hour',
        unitPricePence: arrangement.overageRatePence!,
        amountPence: lineAmount(overage, arrangement.overageRatePence!),
        source,
      });
  }
}
