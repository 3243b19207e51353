import type { Tx } from '../../../../platform/db/index.js';
import { parsePeriod, type Period } from '../../../../kernel/periods.js';
import { statementsRepository, type StoredStatement } from '../../statements/statements.repository.js';
import type { Run, RunKind } from '../runs.repository.js';
import { computeCharges } from '../runs.engine.js';
import type { Computed, LineDraft, Reference, StatementDraft } from './model.js';

/**
 * A correction run: for each statement it corrects, a credit note taking it back in full and a new
 * statement computed afresh for the same organisation and period, naming what it corrects.
 */

/** Lines taken back in full: every quantity and amount negated, each naming the line it credits. */
function creditLines(
  statement: StoredStatement,
  lines: Awaited<ReturnType<typeof statementsRepository.lines>>,
): LineDraft[] {
  return lines.map((line) => ({
    serviceLineId: line.service_line_id,
    offeringId: line.offering_id,
    kind: line.kind as LineDraft['kind'],
    description: `Credit: ${line.description}`,
    quantity: line.quantity === null ? null : -BigInt(line.quantity),
    unit: line.unit,
    unitPricePence: line.unit_price_pence === null ? null : BigInt(line.unit_price_pence),
    amountPence: -BigInt(line.amount_pence),
    source: {
      ...line.source,
      creditOf: { runId: statement.run_id, statement: statement.number, line: line.line_no },
    },
  }));
}

export async function computeCorrections(tx: Tx, ref: Reference, run: Run, cutoff: Date): Promise<Computed> {
  const statements: StatementDraft[] = [];
  const unpriced: Computed['unpriced'] = [];
  const warnings: Computed['warnings'] = [];
  const inputs: Computed['inputs'] = { tariffs: [], arrangements: [], pools: [], driverValues: [] };
  for (const number of run.corrects ?? []) {
    const [original] = await statementsRepository.list(tx, { number });
    if (!original) continue;
    const period: Period = parsePeriod(original.period)!;
    const corrects = { runId: original.run_id, orgId: original.org_id };
    const lines = await statementsRepository.lines(tx, {
      runId: original.run_id,
      orgId: original.org_id,
      kind: 'statement',
    });
    statements.push({
      orgId: original.org_id,
      kind: 'credit_note',
      period,
      corrects,
      lines: creditLines(original, lines),
    });
    const kind: Exclude<RunKind, 'correction'> = original.run_kind === 'true_up' ? 'true_up' : 'charge';
    const again = await computeCharges(tx, ref, { kind, period, orgIds: [original.org_id], cutoff });
    const replacement = again.statements.find((s) => s.orgId === original.org_id);
    statements.push({
      orgId: original.org_id,
      kind: 'statement',
      period,
      corrects,
      lines: replacement?.lines ?? [],
    });
    unpriced.push(...again.unpriced);
    warnings.push(...again.warnings);
    for (const key of ['tariffs', 'arrangements', 'pools', 'driverValues'] as const)
      (inputs[key] as Array<{ id: string }>).push(...(again.inputs[key] as Array<{ id: string }>));
  }
  const code = (orgId: string) => ref.orgs.get(orgId)?.code ?? orgId;
  statements.sort((a, b) =>
    code(a.orgId) !== code(b.orgId) ? (code(a.orgId) < code(b.orgId) ? -1 : 1) : a.kind < b.kind ? -1 : 1,
  );
  const unique = <T extends { id: string }>(items: T[]) =>
    [...new Map(items.map((item) => [item.id, item])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    statements,
    unpriced,
    warnings,
    inputs: {
      tariffs: unique(inputs.tariffs),
      arrangements: unique(inputs.arrangements),
      pools: unique(inputs.pools),
      driverValues: unique(inputs.driverValues),
    },
  };
}
