/** What a what-if scenario shows, in the API (pounds as text) and on pages (as people read money). */
import { formatPounds } from '../../../kernel/money.js';
import { formatMoney, translate } from '../../../platform/web/index.js';
import type { LineCost } from '../../../kernel/what-if.js';
import type { StoredModel } from './what-if.repository.js';
import type { EvaluatedScenario } from './what-if.service.js';

const t = (key: string, params: Record<string, string | number> = {}) =>
  translate(`planning.whatIf.${key}`, params);
const pounds = (pence: bigint | string) => formatPounds(pence.toString());
const count = (n: bigint | string) => BigInt(n).toLocaleString('en-GB');

export function presentModel(model: StoredModel) {
  return {
    unit: model.unit,
    offering: model.offering,
    fixedCost: pounds(model.fixedPence),
    variableCost: pounds(model.variablePence),
    steps: model.steps.map((step) => ({
      fromVolume: Number(step.fromVolume),
      addedFixedCost: pounds(step.addedFixedPence),
    })),
  };
}

const cost = (c: LineCost) => ({
  volume: Number(c.volume),
  totalCost: pounds(c.totalPence),
  unitCost: c.unitCost,
  steps: c.steps,
});

/** A scenario as the API gives it. */
export function presentScenario(s: EvaluatedScenario) {
  const byCode = new Map(s.volumes.map((v) => [v.code, v]));
  return {
    id: s.id ?? null,
    serviceLine: s.serviceLine,
    name: s.name,
    prospect: s.prospect,
    prospectVolume: Number(s.prospectVolume),
    notes: s.notes,
    model: presentModel(s.model),
    before: cost(s.result.before),
    after: cost(s.result.after),
    stepsCrossed: s.result.stepsCrossed,
    partners: s.result.partners.map((p) => ({
      organisation: p.key,
      name: byCode.get(p.key)?.name ?? p.key,
      volume: Number(p.volume),
      volumeSource: byCode.get(p.key)?.source ?? 'usage',
      before: p.beforePence === null ? null : pounds(p.beforePence),
      after: pounds(p.afterPence),
      saving: p.savingPence === null ? null : pounds(p.savingPence),
    })),
    prospectCharge: pounds(s.result.prospect.chargePence),
    createdAt: s.createdAt?.toISOString() ?? null,
  };
}

const unitCost = (value: string | null) => (value === null ? '—' : `£${value}`);

/** A scenario as a page shows it. */
export function scenarioView(s: EvaluatedScenario) {
  const byCode = new Map(s.volumes.map((v) => [v.code, v]));
  const { before, after } = s.result;
  return {
    id: s.id,
    name: s.name,
    line: s.serviceLineName,
    prospect: s.prospect,
    unit: s.model.unit,
    prospectVolume: count(s.prospectVolume),
    notes: s.notes,
    volumeBefore: count(before.volume),
    volumeAfter: count(after.volume),
    totalBefore: formatMoney(before.totalPence),
    totalAfter: formatMoney(after.totalPence),
    unitBefore: unitCost(before.unitCost),
    unitAfter: unitCost(after.unitCost),
    stepsCrossed: s.result.stepsCrossed,
    prospectCharge: formatMoney(s.result.prospect.chargePence),
    createdAt: s.createdAt,
    createdByName: s.createdByName,
    partners: s.result.partners.map((p) => ({
      code: p.key,
      name: byCode.get(p.key)?.name ?? p.key,
      volume: count(p.volume),
      entered: byCode.get(p.key)?.source === 'entered',
      before: p.beforePence === null ? '—' : formatMoney(p.beforePence),
      after: formatMoney(p.afterPence),
      saving: p.savingPence === null ? '—' : formatMoney(p.savingPence),
    })),
  };
}

/** Scenarios side by side: one column each, a row per figure, then each partner's saving. */
export function comparison(scenarios: EvaluatedScenario[]) {
  const views = scenarios.map(scenarioView);
  const partners = new Map<string, string>();
  for (const view of views) for (const p of view.partners) partners.set(p.code, p.name);
  const row = (label: string, value: (v: ReturnType<typeof scenarioView>) => string) => ({
    label,
    values: views.map(value),
  });
  return {
    columns: views.map((v) => ({ id: v.id, name: v.name })),
    figures: [
      row(t('line'), (v) => v.line),
      row(t('prospect'), (v) => v.prospect),
      row(t('prospectVolume'), (v) => `${v.prospectVolume} ${v.unit}`),
      row(t('volumeBefore'), (v) => v.volumeBefore),
      row(t('volumeAfter'), (v) => v.volumeAfter),
      row(t('totalBefore'), (v) => v.totalBefore),
      row(t('totalAfter'), (v) => v.totalAfter),
      row(t('unitBefore'), (v) => v.unitBefore),
      row(t('unitAfter'), (v) => v.unitAfter),
      row(t('stepsCrossed'), (v) => String(v.stepsCrossed)),
      row(t('prospectCharge'), (v) => v.prospectCharge),
    ],
    savings: [...partners].map(([code, name]) => ({
      label: name,
      values: views.map((v) => v.partners.find((p) => p.code === code)?.saving ?? '—'),
    })),
  };
}
