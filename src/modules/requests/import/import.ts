import crypto from 'node:crypto';
import { sql } from 'kysely';
import { hasRole, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Tx } from '../../../platform/db/index.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { londonDate, parseInstant } from '../../../kernel/dates.js';
import { isRequestStatus } from '../../../kernel/request-states.js';
import { PRIORITIES } from '../../../kernel/sla-clock.js';
import { translate } from '../../../platform/web/index.js';
import { auditBy } from '../../audit/index.js';
import { requestsPolicy } from '../requests.policy.js';
import { ImportRecordShape, MOST_IMPORTED } from '../requests.schemas.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { OfferingForRequest } from '../catalogue-port.js';
import type { Priority } from '../request.js';
import { buildHistory, type BuiltRequest, type Step } from './history.js';
import { insertBuilt } from './batch.repository.js';

/** The most problems an import lists: past these, the file needs another look anyway. */
const MOST_PROBLEMS = 200;
const BATCH = 500;

export interface Imported {
  reference: string;
  organisation: string;
  status: string;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    if (this.list.length < MOST_PROBLEMS) this.list.push(`${path}: ${message}`);
  }
  get any(): boolean {
    return this.list.length > 0;
  }
  refusal(count: number): DomainError {
    return new DomainError(
      'ERR_IMPORT_REJECTED',
      `Nothing was imported: ${this.list.length}${this.list.length >= MOST_PROBLEMS ? '+' : ''} problem(s) in ${count} request(s)`,
      { problems: this.list },
    );
  }
}

/** `events.2.to` as a JSON path: `events[2].to`. */
const jsonPath = (field: string) => field.replace(/\.(\d+)(?=\.|$)/g, '[$1]').replace(/^(\d+)/, '[$1]');

function importSteps(events: unknown[], at: string, problems: Problems): Step[] {
  const steps: Step[] = [];
  events.forEach((raw, index) => {
    const path = `${at}.events[${index}]`;
    const event = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<
      string,
      unknown
    >;
    const known = ['at', 'type', 'to', 'reason', 'body'];
    for (const key of Object.keys(event))
      if (!known.includes(key)) problems.add(`${path}.${key}`, 'is not a known field');
    const when = parseInstant(event.at);
    if (!when) return problems.add(`${path}.at`, 'must be an ISO 8601 instant with a zone');
    const text = (key: string, limit: number) => {
      const value = event[key];
      return typeof value === 'string' && value.length <= limit ? value : null;
    };
    if (event.type === 'response')
      steps.push({ at: when, type: 'reply', byHost: true, body: text('body', 20_000) });
    else if (event.type === 'status') {
      if (!isRequestStatus(event.to)) return problems.add(`${path}.to`, 'must be a status');
      steps.push({
        at: when,
        type: 'status',
        to: event.to,
        actor: 'any',
        byHost: true,
        reason: text('reason', 2000),
      });
    } else if (event.type === 'priority') {
      if (!(PRIORITIES as readonly unknown[]).includes(event.to))
        return problems.add(`${path}.to`, 'must be a priority');
      steps.push({ at: when, type: 'priority', to: event.to as Priority, reason: text('reason', 2000) });
    } else problems.add(`${path}.type`, 'must be response, status or priority');
  });
  return steps;
}

/**
 * A partner's past requests, loaded when it joins: all or none, each keeping its reference, its
 * history checked with the same status rules (the first who may make each move is taken to have
 * made it, and every status change counts as the service centre's for the response clock), and its
 * clocks replayed from that history. Problems are listed by the record's place in the file.
 */
export function importing(deps: RequestsDeps) {
  return {
    async importRequests(caller: Caller, given: unknown): Promise<{ imported: Imported[] }> {
      const { principal } = caller;
      requestsPolicy.import(principal);
      if (!Array.isArray(given) || given.length === 0 || given.length > MOST_IMPORTED)
        throw new DomainError('ERR_IMPORT_REJECTED', `Give a list of 1 to ${MOST_IMPORTED} requests`, {
          problems: [`: must be a list of 1 to ${MOST_IMPORTED} requests`],
        });
      const now = deps.now();
      const problems = new Problems();
      const records = given.map((raw, index) => {
        const checked = inputOf(ImportRecordShape).check(raw);
        if (checked.errors) {
          for (const [field, key] of Object.entries(checked.errors))
            problems.add(`[${index}].${jsonPath(field)}`, translate(key));
          return undefined;
        }
        const record = checked.value;
        const submittedAt = parseInstant(record.submittedAt);
        if (!submittedAt) problems.add(`[${index}].submittedAt`, 'must be an ISO 8601 instant with a zone');
        else if (submittedAt > now) problems.add(`[${index}].submittedAt`, 'is in the future');
        if (isUuid(record.reference)) problems.add(`[${index}].reference`, 'must not look like a request id');
        if (new RegExp(`^${record.organisation}-\\d{6,}$`).test(record.reference))
          problems.add(
            `[${index}].reference`,
            'has the form of the references Tandem gives; keep the old system’s own',
          );
        const steps = importSteps(record.events, `[${index}]`, problems);
        return submittedAt ? { index, record, submittedAt, steps } : undefined;
      });

      const hostOrgId = principal.org.orgId;
      const partners = await inScope(
        deps.db,
        { userId: principal.userId, orgIds: [hostOrgId] },
        async (tx) => {
          const { rows } = await sql<{ id: string; code: string }>`
          select id, code from app_request_organisations() where id <> ${hostOrgId}`.execute(tx);
          return new Map(rows.map((row) => [row.code, row.id]));
        },
      );
      const seen = new Set<string>();
      for (const item of records) {
        if (!item) continue;
        const { record, index } = item;
        if (!partners.has(record.organisation))
          problems.add(
            `[${index}].organisation`,
            `no partner of the service centre has the code ${record.organisation}`,
          );
        const key = `${record.organisation}\u0000${record.reference}`;
        if (seen.has(key))
          problems.add(`[${index}].reference`, 'appears earlier in the file for the same organisation');
        seen.add(key);
      }
      if (problems.any) throw problems.refusal(given.length);

      // The importer sees the partners' own variants and calendars for this one unit of work.
      const scope = {
        userId: principal.userId,
        orgIds: [hostOrgId, ...new Set(records.map((r) => partners.get(r!.record.organisation)!))],
      };
      return inScope(deps.db, scope, async (tx) => {
        const today = londonDate(now);
        const offerings = new Map<string, OfferingForRequest | undefined>();
        const offeringFor = async (orgId: string, code: string) => {
          const key = `${orgId}:${code}`;
          if (!offerings.has(key))
            offerings.set(key, await deps.catalogue.offeringFor(tx, orgId, code, today));
          return offerings.get(key);
        };
        const built: BuiltRequest[] = [];
        const placeOf = new Map<string, number>();
        for (const item of records) {
          const { record, index, submittedAt, steps } = item!;
          const orgId = partners.get(record.organisation)!;
          const offering = await offeringFor(orgId, record.offering);
          if (!offering || offering.hostOrgId !== hostOrgId || !offering.everTaken) {
            problems.add(
              `[${index}].offering`,
              `${record.organisation} does not take an offering with the code ${record.offering}`,
            );
            continue;
          }
          const result = buildHistory(
            {
              id: crypto.randomUUID(),
              orgId,
              reference: record.reference,
              offering,
              requester: record.requester
                ? {
                    userId: null,
                    name: record.requester.name,
                    email: record.requester.email ?? null,
                    actor: 'requester',
                  }
                : null,
              subject: record.subject,
              answers: record.answers,
              priority: record.priority as Priority,
              submittedAt,
              steps,
            },
            now,
          );
          if ('problems' in result) {
            for (const problem of result.problems)
              problems.add(`[${index}].events[${problem.step}].${problem.field}`, problem.message);
          } else {
            built.push(result.built);
            placeOf.set(result.built.record.id, index);
          }
        }
        await checkLines(tx, caller, built);
        await checkReferences(tx, built, placeOf, problems);
        if (problems.any) throw problems.refusal(given.length);
        for (let start = 0; start < built.length; start += BATCH)
          await insertBuilt(tx, built.slice(start, start + BATCH));
        await auditBy(tx, caller, {
          orgId: hostOrgId,
          action: 'request.import',
          entityType: 'request',
          after: { count: built.length, references: built.map((b) => b.record.reference) },
        });
        const codes = new Map([...partners].map(([code, id]) => [id, code]));
        return {
          imported: built.map((b) => ({
            reference: b.record.reference,
            organisation: codes.get(b.record.orgId)!,
            status: b.record.status,
          })),
        };
      });
    },
  };
}

/** A service manager imports only into the lines they keep; a platform administrator into any. */
async function checkLines(tx: Tx, caller: Caller, built: readonly BuiltRequest[]): Promise<void> {
  if (hasRole(caller.principal, 'platform_administrator')) return;
  const { rows } = await sql<{ id: string }>`
    select id from service_lines where ${caller.principal.userId}::uuid = any(manager_user_ids)`.execute(tx);
  const kept = new Set(rows.map((row) => row.id));
  if (built.some((b) => !kept.has(b.record.serviceLineId)))
    throw forbidden('Only platform administrators and the service managers of a line import its requests');
}

/** References the organisations already have. */
async function checkReferences(
  tx: Tx,
  built: readonly BuiltRequest[],
  placeOf: ReadonlyMap<string, number>,
  problems: Problems,
): Promise<void> {
  if (built.length === 0) return;
  const { rows } = await sql<{ org_id: string; reference: string }>`
    select r.org_id, r.reference from requests r
      join jsonb_to_recordset(${JSON.stringify(built.map((b) => ({ org_id: b.record.orgId, reference: b.record.reference })))}::jsonb)
        as g(org_id uuid, reference text) on g.org_id = r.org_id and g.reference = r.reference`.execute(tx);
  const taken = new Set(rows.map((row) => `${row.org_id}\u0000${row.reference}`));
  for (const b of built) {
    if (!taken.has(`${b.record.orgId}\u0000${b.record.reference}`)) continue;
    problems.add(
      `[${placeOf.get(b.record.id)}].reference`,
      'the organisation already has a request with this reference',
    );
  }
}
