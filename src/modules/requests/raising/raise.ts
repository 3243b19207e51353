import crypto from 'node:crypto';
import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { commitWith, inScope, type Tx } from '../../../platform/db/index.js';
import { DomainError } from '../../../platform/errors.js';
import { inputOf } from '../../../platform/api/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { replayClocks } from '../clocks/replay.js';
import { requestsPolicy } from '../requests.policy.js';
import { RaiseInput } from '../requests.schemas.js';
import { unknownOffering } from '../requests.errors.js';
import type { RequestsDeps } from '../requests.deps.js';
import type { FormField } from '../catalogue-port.js';
import type { Priority, RequestEvent, RequestRecord } from '../request.js';
import { viewOf, type RequestView } from '../reading/request-view.js';
import { nextActions } from '../workflow/next-actions.js';
import { answersText, checkAnswers, type AnswerProblems } from './answers.js';
import { raisingRepository as repo } from './raising.repository.js';
import { raisedMail } from '../notifications/notify.js';
import { signalMailQueued } from '../notifications/dispatch.js';

export interface RaiseOptions {
  /** The client's Idempotency-Key: the same key with the same body gives the first request again. */
  idempotencyKey?: string | undefined;
}

export interface Raised {
  view: RequestView;
  /** True when an Idempotency-Key named a request raised before: nothing new was added. */
  replayed: boolean;
}

/** A digest of the input as given, keys sorted, so that the same body reads the same however it is spelt. */
export function bodyDigest(input: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');
}

function answersRefused(problems: AnswerProblems): DomainError {
  const said = Object.entries(problems.fields).map(([field, key]) => {
    const label = problems.labels[field];
    const what = key.replace(/^requests\.errors\./, '');
    return label ? `${label}: ${what}` : `${field}: ${what}`;
  });
  return new DomainError('ERR_VALIDATION', `Some answers are not valid (${said.join('; ')})`, {
    fields: problems.fields,
    labels: problems.labels,
  });
}

/** Raising a request: the requester's side of the first step. */
export function raising(
  deps: RequestsDeps,
  read: (tx: Tx, caller: Caller, id: string) => Promise<RequestView>,
) {
  const { db, catalogue } = deps;

  /** File questions take attachments only once a store is plugged in; until then they are optional and take none. */
  const formOf = (fields: FormField[]): FormField[] =>
    deps.attachments
      ? fields
      : fields.map((field) => (field.type === 'file' ? { ...field, required: false } : field));

  return {
    /**
     * Raises a request from an offering the caller's organisation takes: the answers are checked
     * against the variant's form, the next reference is taken, the SLA policy is kept as it is now,
     * the request goes at once to `awaiting_approval` or `open`, and its clocks start. One unit of work.
     */
    async raise(caller: Caller, given: unknown, options: RaiseOptions = {}): Promise<Raised> {
      const { principal } = caller;
      requestsPolicy.raise(principal);
      const input = inputOf(RaiseInput).read(given);
      const now = deps.now();
      const id = crypto.randomUUID();
      return inScope(db, scopeOf(principal), async (tx) => {
        if (options.idempotencyKey !== undefined) {
          const key = await repo.takeIdempotencyKey(tx, {
            orgId: principal.org.orgId,
            userId: principal.userId,
            key: options.idempotencyKey,
            bodySha256: bodyDigest(input),
            requestId: id,
          });
          if (!key.taken) {
            if (key.bodySha256 !== bodyDigest(input)) {
              throw new DomainError(
                'ERR_IDEMPOTENCY_KEY_REUSED',
                'That Idempotency-Key was used before with a different request',
              );
            }
            return { view: await read(tx, caller, key.requestId), replayed: true };
          }
        }

        const offering = await catalogue.offeringFor(
          tx,
          principal.org.orgId,
          input.offering,
          londonDate(now),
        );
        if (!offering || !offering.visible || !offering.active) throw unknownOffering(input.offering);
        const checked = checkAnswers(formOf(offering.formFields), input.answers);
        if (checked.problems) throw answersRefused(checked.problems);
        for (const [fieldKey, ids] of Object.entries(checked.files)) {
          const problem = deps.attachments
            ? await deps.attachments.check(tx, principal, fieldKey, ids)
            : 'requests.errors.answerFile';
          if (problem) {
            const field = offering.formFields.find((candidate) => candidate.key === fieldKey);
            throw answersRefused({
              fields: { [`answers.${fieldKey}`]: problem },
              labels: { [`answers.${fieldKey}`]: field?.label ?? fieldKey },
            });
          }
        }

        // Whoever raises a request is its requester, whatever other roles they hold.
        const actorKind = 'requester';
        const status = offering.approvalRequired ? 'awaiting_approval' : 'open';
        const events: RequestEvent[] = [
          {
            at: now,
            kind: 'submitted',
            actorKind,
            actorUserId: principal.userId,
            actorName: principal.name,
            staffUserId: null,
            from: null,
            to: 'submitted',
            reason: null,
            body: null,
            byHost: false,
          },
          {
            at: now,
            kind: 'status',
            actorKind: 'system',
            actorUserId: null,
            actorName: null,
            staffUserId: null,
            from: 'submitted',
            to: status,
            reason: null,
            body: null,
            byHost: false,
          },
        ];
        const priority = input.priority as Priority;
        const { readings, stored } = replayClocks(
          { sla: offering.sla, bankHolidays: offering.bankHolidays, submittedAt: now, priority, events },
          now,
        );
        const record: Omit<RequestRecord, 'reference' | 'version'> = {
          id,
          orgId: principal.org.orgId,
          hostOrgId: offering.hostOrgId,
          serviceLineId: offering.serviceLineId,
          offeringId: offering.offeringId,
          variantId: offering.variantId,
          catalogueEntry: {
            offeringCode: offering.code,
            offeringName: offering.name,
            serviceLineCode: offering.serviceLineCode,
            serviceLineName: offering.serviceLineName,
          },
          requesterUserId: principal.userId,
          requesterName: principal.name,
          requesterEmail: principal.email,
          subject: input.subject,
          answers: checked.answers,
          priority,
          status,
          sla: offering.sla,
          submittedAt: now,
          resolvedAt: null,
          closedAt: null,
        };
        // Nothing follows the request's own statement but its files, so without files COMMIT goes
        // with it: the organisation's counter and audit chain are held for the least time.
        const files = Object.entries(checked.files);
        const mail = raisedMail(record);
        const insert = () =>
          repo.insertRaised(tx, {
            record,
            orgCode: principal.org.code,
            events,
            stored,
            searchText: `${input.subject} ${answersText(checked.answers)}`,
            audit: {
              actorUserId: principal.userId,
              orgId: principal.org.orgId,
              requestId: caller.requestId ?? null,
              after: { offering: offering.code, priority, status, subject: input.subject },
            },
            mail,
          });
        const reference = files.length === 0 ? await commitWith(insert) : await insert();
        for (const [fieldKey, ids] of files)
          await deps.attachments?.attach(
            tx,
            { id, orgId: record.orgId, hostOrgId: record.hostOrgId },
            fieldKey,
            ids,
          );
        if (mail) signalMailQueued();
        const full: RequestRecord = { ...record, reference, version: 1 };
        return {
          view: viewOf({
            record: full,
            organisation: { code: principal.org.code, name: principal.org.name },
            events,
            readings,
            people: {},
            actions: nextActions(principal, full, null),
          }),
          replayed: false,
        };
      });
    },
  };
}
