import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { notFound, validationFailed } from '../../../platform/errors.js';
import { londonDate } from '../../../kernel/dates.js';
import { auditBy } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import { accessOf, cataloguePolicy as policy, ownersOf, type Access } from '../catalogue.policy.js';
import { codeTaken } from '../catalogue.errors.js';
import { historyRepository } from '../catalogue.history.js';
import { serviceLinesRepository } from '../service-lines/service-lines.repository.js';
import { slaPoliciesRepository, type SlaPolicy } from '../sla-policies/sla-policies.repository.js';
import { tariffsRepository, type Tariff } from '../tariffs/tariffs.repository.js';
import {
  offeringsRepository as repo,
  type Offering,
  type OfferingValues as StoredValues,
  type Variant,
} from './offerings.repository.js';
import { formFieldsOf, type NewOfferingValues, type OfferingValues } from './offerings.schemas.js';
import { recordPrice } from '../tariffs/tariffs.service.js';
import { PRICE_PROBLEMS } from '../tariffs/tariffs.schemas.js';
import { parsePence } from '../../../kernel/money.js';
import { differences, lgslUri, priceOf, resolve, type ResolvedOffering } from './resolution.js';

export type Resolved = ResolvedOffering<SlaPolicy>;

/** What the history and the audit log keep of an offering. */
function offeringSnapshot(offering: Offering, policyCode: string) {
  return {
    code: offering.code,
    serviceLine: offering.serviceLineCode,
    name: offering.name,
    description: offering.description,
    lgslId: offering.lgslId,
    unit: offering.unit,
    formFields: offering.formFields,
    slaPolicy: policyCode,
    approvalRequired: offering.approvalRequired,
    status: offering.status,
  };
}

/** The prices in force on a day, by offering and organisation. */
export function inForce(tariffs: Tariff[], today: string) {
  const found = (offeringId: string, orgId: string) =>
    tariffs.find(
      (t) =>
        t.offeringId === offeringId &&
        t.orgId === orgId &&
        t.validFrom <= today &&
        (t.validTo === null || t.validTo >= today),
    );
  return found;
}

/** The offerings the caller's organisation may request (or, with a code, that one), each resolved for it. */
async function resolvedFor(tx: Tx, access: Access, code?: string): Promise<Resolved[]> {
  const offerings = await repo.list(tx, { lineIds: access.lineIds, activeOnly: true, code });
  if (!offerings.length) return [];
  const ids = offerings.map((o) => o.id);
  const owners = ownersOf(access);
  const variants = new Map(
    access.isHost
      ? []
      : (await repo.variants(tx, { offeringIds: ids, orgIds: [access.orgId] })).map((v) => [v.offeringId, v]),
  );
  const price = inForce(
    await tariffsRepository.list(tx, { offeringIds: ids, orgIds: owners, on: londonDate() }),
    londonDate(),
  );
  const lineIds = [...new Set(offerings.map((o) => o.serviceLineId))];
  const policies = new Map(
    (await slaPoliciesRepository.list(tx, { lineIds, orgIds: owners })).map((p) => [p.id, p]),
  );
  return offerings
    .filter((o) => !variants.get(o.id)?.hidden)
    .map((o) =>
      resolve(
        o,
        variants.get(o.id),
        { standard: price(o.id, o.hostOrgId), own: access.isHost ? undefined : price(o.id, access.orgId) },
        policies,
      ),
    );
}

/** Everything a service manager sees of one offering: every partner's variant and its differences, prices, history. */
async function manageView(tx: Tx, offering: Offering) {
  const today = londonDate();
  const partners = await agreementsRepository.partnersTaking(tx, offering.hostOrgId, [
    offering.serviceLineId,
  ]);
  const variants = new Map(
    (await repo.variants(tx, { offeringIds: [offering.id] })).map((v) => [v.orgId, v]),
  );
  const tariffs = await tariffsRepository.list(tx, { offeringIds: [offering.id] });
  const price = inForce(tariffs, today);
  const policies = new Map(
    (await slaPoliciesRepository.list(tx, { lineIds: [offering.serviceLineId] })).map((p) => [p.id, p]),
  );
  const standard = price(offering.id, offering.hostOrgId);
  return {
    offering,
    lgslUri: lgslUri(offering.lgslId),
    slaPolicy: policies.get(offering.slaPolicyId) ?? null,
    standardPrice: priceOf(standard, 'standard'),
    partners: partners.map((partner) => {
      const variant: Variant | undefined = variants.get(partner.id);
      const prices = { standard, own: price(offering.id, partner.id) };
      return {
        ...partner,
        variant: variant ?? null,
        differences: differences(offering, variant, prices, policies),
        resolved: resolve(offering, variant, prices, policies),
      };
    }),
    tariffs,
    history: await historyRepository.of(tx, 'offering', offering.id),
  };
}

export type ManageView = Awaited<ReturnType<typeof manageView>>;

/**
 * Standard offerings and the catalogue as each organisation sees it. Partners see the offerings of
 * the lines they take today, as their own variant; the host's staff see the standard; a line's
 * service managers keep its offerings.
 */
export function offeringsService(db: Database) {
  const unit = <T>(caller: Caller, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(caller.principal), async (tx) => work(tx, await accessOf(tx, caller.principal)));

  /** The offering named in a path, in a line the caller keeps. */
  const managedOffering = async (tx: Tx, access: Access, code: string): Promise<Offering> => {
    const offering = access.hostOrgId
      ? await repo.byCode(tx, access.hostOrgId, code.toUpperCase())
      : undefined;
    policy.manageLine(access, offering?.serviceLineId, () => notFound('That offering'));
    return offering;
  };

  /** The line and SLA policy an offering names, checked: a line the caller keeps, a standard policy of it. */
  const lineAndPolicy = async (tx: Tx, access: Access, input: OfferingValues) => {
    const line = access.hostOrgId
      ? await serviceLinesRepository.byCode(tx, access.hostOrgId, input.serviceLine)
      : undefined;
    policy.manageLine(access, line?.id, () =>
      validationFailed({ serviceLine: 'catalogue.errors.serviceLineUnknown' }),
    );
    const found = await slaPoliciesRepository.byCode(tx, line.orgId, input.slaPolicy);
    if (!found || found.serviceLineId !== line.id || found.orgId !== line.orgId)
      throw validationFailed({ slaPolicy: 'catalogue.errors.slaPolicyUnknown' });
    const { fields, errors } = formFieldsOf(input.formFields, 'formFields');
    if (Object.keys(errors).length) throw validationFailed(errors);
    const values: StoredValues = {
      name: input.name,
      description: input.description,
      lgslId: input.lgslId,
      unit: input.unit,
      formFields: fields,
      slaPolicyId: found.id,
      approvalRequired: input.approvalRequired,
      status: input.status,
    };
    return { line: line, slaPolicy: found, values };
  };

  const record = async (
    tx: Tx,
    caller: Caller,
    action: string,
    offering: Offering,
    policyCode: string,
    before?: unknown,
  ) => {
    const snapshot = offeringSnapshot(offering, policyCode);
    await historyRepository.record(tx, {
      orgId: offering.hostOrgId,
      hostOrgId: offering.hostOrgId,
      serviceLineId: offering.serviceLineId,
      entityType: 'offering',
      entityId: offering.id,
      version: offering.version,
      snapshot,
      changedBy: caller.principal.userId,
    });
    await auditBy(tx, caller, {
      orgId: offering.hostOrgId,
      action,
      entityType: 'offering',
      entityId: offering.id,
      before,
      after: snapshot,
    });
  };

  return {
    /**
     * The catalogue's front page: for a service manager, the lines they keep with all their
     * offerings; for anyone else, the offerings they may request, resolved, by line.
     */
    async home(caller: Caller) {
      return unit(caller, async (tx, access) => {
        if (access.managedLineIds.length) {
          const lines = await serviceLinesRepository.list(tx, access.managedLineIds);
          const offerings = await repo.list(tx, { lineIds: access.managedLineIds });
          return {
            manager: true,
            lines: lines.map((line) => ({
              ...line,
              offerings: offerings.filter((o) => o.serviceLineId === line.id),
            })),
            offerings: [] as Resolved[],
          };
        }
        return {
          manager: false,
          lines: [],
          offerings: await resolvedFor(tx, access),
          pricesOpen: policy.canSeePrices(access),
        };
      });
    },

    async offeringsFor(caller: Caller): Promise<Resolved[]> {
      return unit(caller, (tx, access) => resolvedFor(tx, access));
    },

    async offeringFor(caller: Caller, code: string): Promise<Resolved> {
      const [found] = await unit(caller, (tx, access) => resolvedFor(tx, access, code.toUpperCase()));
      if (!found) throw notFound('That offering');
      return found;
    },

    /** One offering's page: the service manager's view for a line the caller keeps, else as their organisation sees it. */
    async page(caller: Caller, code: string): Promise<{ manage: ManageView } | { resolved: Resolved }> {
      return unit(caller, async (tx, access) => {
        const offering = access.hostOrgId
          ? await repo.byCode(tx, access.hostOrgId, code.toUpperCase())
          : undefined;
        if (offering && access.managedLineIds.includes(offering.serviceLineId))
          return { manage: await manageView(tx, offering) };
        const [resolved] = await resolvedFor(tx, access, code.toUpperCase());
        if (!resolved) throw notFound('That offering');
        return { resolved };
      });
    },

    /** The standard offering and every partner's variant of it (service managers of its line). */
    async standard(caller: Caller, code: string): Promise<ManageView> {
      return unit(caller, async (tx, access) => manageView(tx, await managedOffering(tx, access, code)));
    },

    /** What the offering form offers: the lines the caller keeps and their standard SLA policies; the offering to change. */
    async form(caller: Caller, code?: string) {
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const offering = code ? await managedOffering(tx, access, code) : undefined;
        const policies = await slaPoliciesRepository.list(tx, { lineIds: access.managedLineIds });
        return {
          lines: await serviceLinesRepository.list(tx, access.managedLineIds),
          policies: policies.filter((p) => p.orgId === p.hostOrgId),
          offering,
          slaPolicy: offering && policies.find((p) => p.id === offering.slaPolicyId),
        };
      });
    },

    /** Adds an offering, and with it its standard price from today if one is given. */
    async add(
      caller: Caller,
      { price: priceText, ...input }: NewOfferingValues,
    ): Promise<{ offering: Offering; slaPolicy: SlaPolicy }> {
      const price = priceText ? parsePence(priceText) : undefined;
      if (price && 'problem' in price) throw validationFailed({ price: PRICE_PROBLEMS[price.problem] });
      return unit(caller, async (tx, access) => {
        policy.manageAnyLine(access);
        const { line, slaPolicy, values } = await lineAndPolicy(tx, access, input);
        if (await repo.byCode(tx, line.orgId, input.code)) throw codeTaken('An offering');
        const offering = await repo.insert(tx, line, input.code, values);
        await record(tx, caller, 'offering.add', offering, slaPolicy.code);
        if (price)
          await recordPrice(tx, caller, offering, {
            offering: offering.code,
            organisation: null,
            orgId: offering.hostOrgId,
            pence: price.pence,
            validFrom: londonDate(),
            validTo: null,
          });
        return { offering, slaPolicy };
      });
    },

    /** Changes the standard; the change reaches every variant except where it overrides. */
    async change(
      caller: Caller,
      code: string,
      input: OfferingValues,
    ): Promise<{ offering: Offering; slaPolicy: SlaPolicy }> {
      return unit(caller, async (tx, access) => {
        const before = await managedOffering(tx, access, code);
        const { line, slaPolicy, values } = await lineAndPolicy(tx, access, input);
        if (line.id !== before.serviceLineId)
          throw validationFailed({ serviceLine: 'catalogue.errors.offeringLineFixed' });
        const beforePolicy = await slaPoliciesRepository.byId(tx, before.slaPolicyId);
        const offering = await repo.update(tx, before, values);
        await record(
          tx,
          caller,
          'offering.change',
          offering,
          slaPolicy.code,
          offeringSnapshot(before, beforePolicy?.code ?? ''),
        );
        return { offering, slaPolicy };
      });
    },
  };
}

export type OfferingsService = ReturnType<typeof offeringsService>;
