import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../../platform/errors.js';
import { londonDate } from '../../../kernel/dates.js';
import { auditBy } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import { accessOf, cataloguePolicy as policy, type Access } from '../catalogue.policy.js';
import { historyRepository } from '../catalogue.history.js';
import { slaPoliciesRepository, type SlaPolicy } from '../sla-policies/sla-policies.repository.js';
import { tariffsRepository } from '../tariffs/tariffs.repository.js';
import { offeringsRepository as repo, type Offering, type Variant } from './offerings.repository.js';
import { formFieldsOf, type VariantValues } from './offerings.schemas.js';
import { differences, resolve, type Difference } from './resolution.js';
import { inForce } from './offerings.service.js';

type Partner = { id: string; code: string; name: string };

/** What the history and the audit log keep of a variant. */
function variantSnapshot(variant: Variant, policies: ReadonlyMap<string, SlaPolicy>) {
  return {
    name: variant.name,
    description: variant.description,
    hidden: variant.hidden,
    extraFields: variant.extraFields,
    slaPolicy: variant.slaPolicyId ? (policies.get(variant.slaPolicyId)?.code ?? null) : null,
  };
}

/**
 * Partners' variants of the standard offerings, inherit and override, and where partners diverge
 * from the standard: for the service managers of each line.
 */
export function variantsService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), async (tx) => work(tx, await accessOf(tx, caller.principal)));

  /** The offering in a line the caller keeps, and a partner that takes the line (or `missing` when none has that code). */
  const subject = async (
    tx: Tx,
    access: Access,
    code: string,
    partnerCode: string,
    missing: () => DomainError,
  ) => {
    const offering = access.hostOrgId
      ? await repo.byCode(tx, access.hostOrgId, code.toUpperCase())
      : undefined;
    policy.manageLine(access, offering?.serviceLineId, () => notFound('That offering'));
    const partner = (
      await agreementsRepository.partnersTaking(tx, offering.hostOrgId, [offering.serviceLineId])
    ).find((p) => p.code === partnerCode.toUpperCase());
    if (!partner) throw missing();
    return { offering: offering, partner };
  };

  /** The variant page's view, in the unit of work that loaded (or saved) it. */
  const view = async (tx: Tx, offering: Offering, partner: Partner) => {
    const [variant] = await repo.variants(tx, { offeringIds: [offering.id], orgIds: [partner.id] });
    const policies = await slaPoliciesRepository.list(tx, {
      lineIds: [offering.serviceLineId],
      orgIds: [offering.hostOrgId, partner.id],
    });
    const today = londonDate();
    const price = inForce(
      await tariffsRepository.list(tx, {
        offeringIds: [offering.id],
        orgIds: [offering.hostOrgId, partner.id],
        on: today,
      }),
      today,
    );
    const map = new Map(policies.map((p) => [p.id, p]));
    const prices = { standard: price(offering.id, offering.hostOrgId), own: price(offering.id, partner.id) };
    return {
      offering,
      partner,
      variant: variant ?? null,
      policies,
      differences: differences(offering, variant, prices, map),
      resolved: resolve(offering, variant, prices, map),
      standardPolicy: map.get(offering.slaPolicyId) ?? null,
      history: variant ? await historyRepository.of(tx, 'variant', variant.id) : [],
    };
  };

  return {
    async variant(caller: Caller, code: string, partnerCode: string) {
      return unit(caller, async (tx, access) => {
        const { offering, partner } = await subject(tx, access, code, partnerCode, () =>
          notFound('That partner'),
        );
        return view(tx, offering, partner);
      });
    },

    /** Sets a partner's variant, keeps its history and audits before and after; answers with the page's view. */
    async save(caller: Caller, code: string, partnerCode: string, input: VariantValues) {
      return unit(caller, async (tx, access) => {
        const { offering, partner } = await subject(
          tx,
          access,
          code,
          partnerCode,
          () =>
            new DomainError('ERR_UNKNOWN_ORGANISATION', 'No partner taking this service has that code', {
              fields: { organisation: 'catalogue.errors.organisationUnknown' },
            }),
        );
        const policies = new Map(
          (
            await slaPoliciesRepository.list(tx, {
              lineIds: [offering.serviceLineId],
              orgIds: [offering.hostOrgId, partner.id],
            })
          ).map((p) => [p.id, p]),
        );
        // Another SLA policy of the same line: a standard one, or one on the partner's own calendar.
        const slaPolicy = input.slaPolicy
          ? [...policies.values()].find((p) => p.code === input.slaPolicy)
          : null;
        if (slaPolicy === undefined)
          throw validationFailed({ slaPolicy: 'catalogue.errors.slaPolicyUnknown' });
        const { fields, errors } = formFieldsOf(input.extraFields, 'extraFields');
        if (Object.keys(errors).length) throw validationFailed(errors);
        if (fields.some((field) => offering.formFields.some((standard) => standard.key === field.key)))
          throw validationFailed({ extraFields: 'catalogue.errors.fieldDuplicate' });
        const [before] = await repo.variants(tx, { offeringIds: [offering.id], orgIds: [partner.id] });
        const variant = await repo.saveVariant(tx, offering, partner.id, {
          name: input.name,
          description: input.description,
          hidden: input.hidden,
          extraFields: fields,
          slaPolicyId: slaPolicy?.id ?? null,
        });
        const snapshot = { partner: partner.code, ...variantSnapshot(variant, policies) };
        await historyRepository.record(tx, {
          orgId: partner.id,
          hostOrgId: offering.hostOrgId,
          serviceLineId: offering.serviceLineId,
          entityType: 'variant',
          entityId: variant.id,
          version: variant.version,
          snapshot,
          changedBy: caller.principal.userId,
        });
        await auditBy(tx, caller, {
          orgId: offering.hostOrgId,
          action: before ? 'variant.change' : 'variant.add',
          entityType: 'offering_variant',
          entityId: variant.id,
          before: before ? { partner: partner.code, ...variantSnapshot(before, policies) } : undefined,
          after: { offering: offering.code, ...snapshot },
        });
        return view(tx, offering, partner);
      });
    },

    /** Which partners diverge from the standard on which offerings, across the lines the caller keeps. */
    async divergence(caller: Caller) {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const today = londonDate();
        const offerings = await repo.list(tx, { lineIds: access.managedLineIds });
        const ids = offerings.map((o) => o.id);
        const variants = await repo.variants(tx, { offeringIds: ids });
        const price = inForce(await tariffsRepository.list(tx, { offeringIds: ids, on: today }), today);
        const policies = new Map(
          (await slaPoliciesRepository.list(tx, { lineIds: access.managedLineIds })).map((p) => [p.id, p]),
        );
        const partners = await agreementsRepository.partnersTaking(
          tx,
          access.hostOrgId!,
          access.managedLineIds,
        );
        const rows: Array<{ offering: Offering; partner: Partner; differences: Difference[] }> = [];
        for (const offering of offerings) {
          const standard = price(offering.id, offering.hostOrgId);
          for (const partner of partners) {
            const variant = variants.find((v) => v.offeringId === offering.id && v.orgId === partner.id);
            const diff = differences(
              offering,
              variant,
              { standard, own: price(offering.id, partner.id) },
              policies,
            );
            if (diff.length) rows.push({ offering, partner, differences: diff });
          }
        }
        const byPartner = partners
          .map((partner) => ({
            ...partner,
            offerings: rows.filter((row) => row.partner.id === partner.id).length,
          }))
          .filter((partner) => partner.offerings > 0);
        return { rows, byPartner, offeringCount: offerings.length };
      });
    },
  };
}

export type VariantsService = ReturnType<typeof variantsService>;
