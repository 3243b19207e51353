import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { notFound, validationFailed, type FieldErrors } from '../../../platform/errors.js';
import type { Filled } from '../../../platform/api/index.js';
import { isUuid } from '../../../platform/ids.js';
import { londonDate } from '../../../kernel/dates.js';
import { auditBy } from '../../audit/index.js';
import { organisationsPolicy as policy } from '../organisations.policy.js';
import { agreementsRepository as repo, type Agreement, type LineToTake } from './agreements.repository.js';
import { agreementOverlap } from './agreements.errors.js';
import type { AgreementBody } from './agreements.schemas.js';
import type { Static } from '@fastify/type-provider-typebox';

export type AgreementInput = Filled<Static<typeof AgreementBody>>;
export type AgreementStatus = 'current' | 'future' | 'ended';

export interface AgreementView extends Agreement {
  status: AgreementStatus;
}

export interface PartnerOrganisation {
  id: string;
  code: string;
  name: string;
  role: 'host' | 'partner';
}

/** Whether an agreement is in force on a date, has not started yet, or has ended. */
export function agreementStatus(agreement: Agreement, today: string): AgreementStatus {
  if (agreement.validFrom > today) return 'future';
  if (agreement.validTo !== null && agreement.validTo < today) return 'ended';
  return 'current';
}

/** An end date: not before the start, and never later than an end already set. */
export function endProblems(
  agreement: Pick<Agreement, 'validFrom' | 'validTo'>,
  validTo: string,
): FieldErrors {
  if (validTo < agreement.validFrom) return { validTo: 'agreements.errors.validToBeforeFrom' };
  if (agreement.validTo !== null && validTo > agreement.validTo)
    return { validTo: 'agreements.errors.endLater' };
  return {};
}

function snapshot(organisation: PartnerOrganisation, agreement: Agreement) {
  return {
    organisation: organisation.code,
    serviceLine: agreement.serviceLineCode,
    validFrom: agreement.validFrom,
    validTo: agreement.validTo,
  };
}

const view = (agreement: Agreement): AgreementView => ({
  ...agreement,
  status: agreementStatus(agreement, londonDate()),
});

/**
 * Which service lines each partner takes, from and to which dates. Only platform administrators
 * record agreements (row level security says the same).
 */
export function agreementsService(db: Database) {
  /** One unit of work about one organisation whose agreements the caller may record (or, `reading`, see). */
  const unit = <T>(
    caller: Caller,
    orgId: string,
    work: (tx: Tx, organisation: PartnerOrganisation) => Promise<T>,
    reading = false,
  ) => {
    if (reading) policy.seeAgreements(caller.principal, orgId);
    else policy.recordAgreements(caller.principal, orgId);
    return inScope(db, scopeOf(caller.principal), async (tx) => {
      const organisation = await repo.organisation(tx, orgId.toLowerCase());
      if (!organisation) throw notFound('That organisation');
      return work(tx, organisation);
    });
  };

  const found = async (tx: Tx, organisation: PartnerOrganisation, agreementId: string) => {
    const agreement = isUuid(agreementId)
      ? await repo.byId(tx, organisation.id, agreementId.toLowerCase())
      : undefined;
    if (!agreement) throw notFound('That agreement');
    return agreement;
  };

  return {
    /**
     * The organisation, its agreements, and whether the caller may record more: then also the
     * service lines it could take.
     */
    async list(
      caller: Caller,
      orgId: string,
    ): Promise<{
      organisation: PartnerOrganisation;
      agreements: AgreementView[];
      lines: LineToTake[];
      canRecord: boolean;
    }> {
      const canRecord = policy.canRecordAgreements(caller.principal);
      return unit(
        caller,
        orgId,
        async (tx, organisation) => ({
          organisation,
          agreements: (await repo.list(tx, organisation.id)).map(view),
          lines: canRecord && organisation.role === 'partner' ? await repo.linesToTake(tx) : [],
          canRecord,
        }),
        true,
      );
    },

    async get(
      caller: Caller,
      orgId: string,
      agreementId: string,
    ): Promise<{ organisation: PartnerOrganisation; agreement: AgreementView }> {
      return unit(caller, orgId, async (tx, organisation) => ({
        organisation,
        agreement: view(await found(tx, organisation, agreementId)),
      }));
    },

    async add(caller: Caller, orgId: string, input: AgreementInput): Promise<AgreementView> {
      return unit(caller, orgId, async (tx, organisation) => {
        if (organisation.role !== 'partner')
          throw validationFailed({ serviceLine: 'agreements.errors.host' });
        if (input.validTo !== null && input.validTo < input.validFrom)
          throw validationFailed({ validTo: 'agreements.errors.validToBeforeFrom' });
        const line = await repo.lineToTake(tx, input.serviceLine, caller.principal.org.orgId);
        if (!line) throw validationFailed({ serviceLine: 'agreements.errors.lineUnknown' });
        const [clash] = await repo.overlapping(tx, organisation.id, line.id, input.validFrom, input.validTo);
        if (clash)
          throw agreementOverlap(
            `Those dates overlap the agreement for ${line.code} from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
          );
        // A write racing this one can pass the check above too; the database then refuses the
        // second, which the unit of work answers with the same ERR_AGREEMENT_OVERLAP.
        const id = await repo.insert(tx, {
          orgId: organisation.id,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          validFrom: input.validFrom,
          validTo: input.validTo,
        });
        const agreement: Agreement = {
          id,
          orgId: organisation.id,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          serviceLineCode: line.code,
          serviceLineName: line.name,
          validFrom: input.validFrom,
          validTo: input.validTo,
        };
        await auditBy(tx, caller, {
          orgId: organisation.id,
          action: 'agreement.add',
          entityType: 'service_agreement',
          entityId: id,
          after: snapshot(organisation, agreement),
        });
        return view(agreement);
      });
    },

    /** Sets the last day an agreement is in force; the row stays, as history. */
    async end(caller: Caller, orgId: string, agreementId: string, validTo: string): Promise<AgreementView> {
      return unit(caller, orgId, async (tx, organisation) => {
        const before = await found(tx, organisation, agreementId);
        const problems = endProblems(before, validTo);
        if (Object.keys(problems).length) throw validationFailed(problems);
        const after = await repo.end(tx, before, validTo);
        await auditBy(tx, caller, {
          orgId: organisation.id,
          action: 'agreement.end',
          entityType: 'service_agreement',
          entityId: before.id,
          before: snapshot(organisation, before),
          after: snapshot(organisation, after),
        });
        return view(after);
      });
    },
  };
}

export type AgreementsService = ReturnType<typeof agreementsService>;
