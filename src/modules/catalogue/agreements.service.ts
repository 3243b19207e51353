import { isPlatformAdmin, scopeOf } from '../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../platform/db/index.js';
import { DomainError, forbidden, notFound, validationFailed } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { auditBy } from '../audit/index.js';
import { catalogueRepository as repo, type Agreement, type ServiceLine } from './catalogue.repository.js';
import { validateAgreement, validateAgreementEnd } from './catalogue.schemas.js';
import { fromDatabaseRefusal } from './catalogue.errors.js';
import { londonToday, type Context } from './catalogue.service.js';

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

function snapshot(organisation: PartnerOrganisation, agreement: Agreement) {
  return {
    organisation: organisation.code,
    serviceLine: agreement.serviceLineCode,
    validFrom: agreement.validFrom,
    validTo: agreement.validTo,
  };
}

/**
 * Which service lines each partner takes, from and to which dates. Only platform administrators
 * record agreements (row level security says the same); anyone else is told the organisation is not
 * there, or, for their own organisation, that they may not.
 */
export function agreementsService(db: Database) {
  const requireAdministrator = (ctx: Context, orgId: string) => {
    if (isPlatformAdmin(ctx.principal) && isUuid(orgId)) return;
    if (ctx.principal.org.orgId === orgId) throw forbidden('Only platform administrators record agreements');
    throw notFound('That organisation');
  };

  const unit = <T>(
    ctx: Context,
    orgId: string,
    work: (tx: Tx, organisation: PartnerOrganisation) => Promise<T>,
  ) => {
    requireAdministrator(ctx, orgId);
    return inScope(db, scopeOf(ctx.principal), async (tx) => {
      const organisation = await repo.organisation(tx, orgId);
      if (!organisation) throw notFound('That organisation');
      return work(tx, organisation);
    }).catch((error: unknown) => {
      throw fromDatabaseRefusal(error) ?? error;
    });
  };

  const view = (agreement: Agreement): AgreementView => ({
    ...agreement,
    status: agreementStatus(agreement, londonToday()),
  });

  return {
    /** The organisation, its agreements, and the service lines it could take. */
    async list(
      ctx: Context,
      orgId: string,
    ): Promise<{ organisation: PartnerOrganisation; agreements: AgreementView[]; lines: ServiceLine[] }> {
      return unit(ctx, orgId, async (tx, organisation) => ({
        organisation,
        agreements: (await repo.agreements(tx, orgId)).map(view),
        lines: organisation.role === 'partner' ? await repo.serviceLines(tx) : [],
      }));
    },

    async get(
      ctx: Context,
      orgId: string,
      agreementId: string,
    ): Promise<{ organisation: PartnerOrganisation; agreement: AgreementView }> {
      return unit(ctx, orgId, async (tx, organisation) => {
        const agreement = isUuid(agreementId) ? await repo.agreementById(tx, agreementId) : undefined;
        if (!agreement || agreement.orgId !== orgId) throw notFound('That agreement');
        return { organisation, agreement: view(agreement) };
      });
    },

    async add(ctx: Context, orgId: string, input: Record<string, unknown>): Promise<AgreementView> {
      requireAdministrator(ctx, orgId);
      const { value, errors } = validateAgreement(input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, orgId, async (tx, organisation) => {
        if (organisation.role !== 'partner')
          throw validationFailed({ serviceLine: 'catalogue.errors.agreementHost' });
        const line = await repo.serviceLineByCode(tx, value.serviceLine);
        if (!line || line.orgId === organisation.id)
          throw validationFailed({ serviceLine: 'catalogue.errors.agreementLineUnknown' });
        const [clash] = await repo.overlappingAgreements(tx, orgId, line.id, value.validFrom, value.validTo);
        if (clash) {
          throw new DomainError(
            'ERR_AGREEMENT_OVERLAP',
            `Those dates overlap the agreement for ${line.code} from ${clash.validFrom}${clash.validTo ? ` to ${clash.validTo}` : ''}`,
            { fields: { validFrom: 'catalogue.errors.agreementOverlap' } },
          );
        }
        const id = await repo.insertAgreement(tx, {
          orgId,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          validFrom: value.validFrom,
          validTo: value.validTo,
        });
        const agreement = (await repo.agreementById(tx, id))!;
        await auditBy(tx, ctx, {
          orgId,
          action: 'agreement.add',
          entityType: 'service_agreement',
          entityId: id,
          after: snapshot(organisation, agreement),
        });
        return view(agreement);
      });
    },

    /** Sets the last day an agreement is in force; the row stays, as history. */
    async end(ctx: Context, orgId: string, agreementId: string, validTo: unknown): Promise<AgreementView> {
      requireAdministrator(ctx, orgId);
      return unit(ctx, orgId, async (tx, organisation) => {
        const before = isUuid(agreementId) ? await repo.agreementById(tx, agreementId) : undefined;
        if (!before || before.orgId !== orgId) throw notFound('That agreement');
        const { value, errors } = validateAgreementEnd(validTo, before);
        if (Object.keys(errors).length) throw validationFailed(errors);
        const after = await repo.endAgreement(tx, agreementId, value);
        await auditBy(tx, ctx, {
          orgId,
          action: 'agreement.end',
          entityType: 'service_agreement',
          entityId: agreementId,
          before: snapshot(organisation, before),
          after: snapshot(organisation, after),
        });
        return view(after);
      });
    },
  };
}

export type AgreementsService = ReturnType<typeof agreementsService>;
