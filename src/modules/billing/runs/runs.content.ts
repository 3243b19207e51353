import crypto from 'node:crypto';
import type { Reference, StatementDraft } from './runs.engine.js';
import type { LineRecord, StatementRecord } from './runs.repository.js';

/** JSON with object keys sorted, so that the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** The rows a computation writes: statements and their numbered lines, with codes and names as they are now. */
export function contentRecords(
  runId: string,
  host: { id: string; code: string; name: string },
  ref: Reference,
  drafts: StatementDraft[],
): { statements: StatementRecord[]; lines: LineRecord[] } {
  const statements: StatementRecord[] = [];
  const lines: LineRecord[] = [];
  for (const draft of drafts) {
    const org = ref.orgs.get(draft.orgId);
    let total = 0n;
    draft.lines.forEach((line, index) => {
      total += line.amountPence;
      const serviceLine = ref.lines.get(line.serviceLineId);
      const offering = line.offeringId ? ref.offerings.get(line.offeringId) : undefined;
      lines.push({
        run_id: runId,
        org_id: draft.orgId,
        host_org_id: host.id,
        statement_kind: draft.kind,
        line_no: index + 1,
        service_line_id: line.serviceLineId,
        service_line_code: serviceLine?.code ?? '',
        service_line_name: serviceLine?.name ?? '',
        offering_id: line.offeringId,
        offering_code: offering?.code ?? null,
        offering_name: offering?.name ?? null,
        kind: line.kind,
        description: line.description,
        quantity: line.quantity === null ? null : String(line.quantity),
        unit: line.unit,
        unit_price_pence: line.unitPricePence === null ? null : String(line.unitPricePence),
        amount_pence: String(line.amountPence),
        source: line.source,
      });
    });
    statements.push({
      run_id: runId,
      org_id: draft.orgId,
      host_org_id: host.id,
      kind: draft.kind,
      period: draft.period.code,
      period_from: draft.period.from,
      period_until: draft.period.until,
      corrects_run_id: draft.corrects?.runId ?? null,
      corrects_org_id: draft.corrects?.orgId ?? null,
      corrects_kind: draft.corrects ? 'statement' : null,
      org_code: org?.code ?? draft.orgId,
      org_name: org?.name ?? '',
      host_code: host.code,
      host_name: host.name,
      total_pence: String(total),
      line_count: draft.lines.length,
    });
  }
  return { statements, lines };
}

/**
 * A digest of what a run's statements say: the same inputs always give the same digest, so a
 * recomputation shows at a glance whether anything changed. The run's own id is left out.
 */
export function contentDigest(records: { statements: StatementRecord[]; lines: LineRecord[] }): string {
  const strip = <T extends { run_id: string }>({ run_id: _run, ...rest }: T) => rest;
  return crypto
    .createHash('sha256')
    .update(canonicalJson({ statements: records.statements.map(strip), lines: records.lines.map(strip) }))
    .digest('hex');
}
