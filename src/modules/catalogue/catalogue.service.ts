import { hasRole, scopeOf, type Principal, type Caller } from '../../platform/auth/index.js';
import { inScope, type Database, type Tx } from '../../platform/db/index.js';
import {
  DomainError,
  forbidden,
  notFound,
  validationFailed,
  type FieldErrors,
} from '../../platform/errors.js';
import { auditBy } from '../audit/index.js';
import {
  catalogueRepository as repo,
  type HistoryEntry,
  type Offering,
  type ServiceLine,
  type SlaPolicy,
  type Tariff,
  type Variant,
} from './catalogue.repository.js';
import {
  parseTariffCsv,
  validateOffering,
  validateSlaPolicy,
  validateTariff,
  validateVariant,
  type FormField,
  type TariffInput,
} from './catalogue.schemas.js';
import { formatPounds } from '../../kernel/money.js';
import { fromDatabaseRefusal } from './catalogue.errors.js';

/** A use case's caller (see `Caller`). */
export type Context = Caller;

/** Today's date where the services are run. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** What the caller may see and change in the catalogue, worked out once per unit of work. */
export interface Access {
  orgId: string;
  /** The host whose catalogue the caller sees, or null for a partner that takes nothing today. */
  hostOrgId: string | null;
  isHost: boolean;
  /** Service lines the caller sees standard offerings of. */
  lineIds: string[];
  /** Service lines the caller keeps, as a service manager of the host. */
  managedLineIds: string[];
}

export async function accessOf(tx: Tx, principal: Principal, today = londonToday()): Promise<Access> {
  const orgId = principal.org.orgId;
  if (principal.org.role === 'host') {
    const lines = (await repo.serviceLines(tx)).filter((line) => line.orgId === orgId);
    const managed = hasRole(principal, 'service_manager')
      ? await repo.managedLineIds(tx, principal.userId, orgId)
      : [];
    return {
      orgId,
      hostOrgId: orgId,
      isHost: true,
      lineIds: lines.map((line) => line.id),
      managedLineIds: managed,
    };
  }
  const taken = await repo.linesTaken(tx, orgId, today);
  return {
    orgId,
    hostOrgId: taken[0]?.hostOrgId ?? null,
    isHost: false,
    lineIds: [...new Set(taken.map((t) => t.serviceLineId))],
    managedLineIds: [],
  };
}

export interface Price {
  pence: number;
  unitPrice: string;
  validFrom: string;
  validTo: string | null;
  /** Whose price it is: the standard one, or the partner's own. */
  source: 'standard' | 'partner';
}

/** An offering as one organisation sees it: its variant applied, today's price, its SLA policy. */
export interface ResolvedOffering {
  code: string;
  name: string;
  description: string;
  serviceLine: { code: string; name: string };
  lgslId: number | null;
  lgslUri: string | null;
  unit: string;
  formFields: FormField[];
  approvalRequired: boolean;
  price: Price | null;
  slaPolicy: SlaPolicy | null;
  /** True when the organisation has a variant of this offering. */
  localVariant: boolean;
  status: 'active' | 'retired';
}

export interface Difference {
  field: 'name' | 'description' | 'hidden' | 'extraFields' | 'slaPolicy' | 'price';
  standard: string;
  variant: string;
}

export function lgslUri(id: number | null): string | null {
  return id === null ? null : `http://id.esd.org.uk/service/${id}`;
}

function priceOf(tariff: Tariff | undefined, source: Price['source']): Price | null {
  return tariff
    ? {
        pence: tariff.pence,
        unitPrice: formatPounds(tariff.pence),
        validFrom: tariff.validFrom,
        validTo: tariff.validTo,
        source,
      }
    : null;
}

function resolve(
  offering: Offering,
  variant: Variant | undefined,
  standard: Tariff | undefined,
  own: Tariff | undefined,
  policies: Map<string, SlaPolicy>,
): ResolvedOffering {
  const policyId = variant?.slaPolicyId ?? offering.slaPolicyId;
  return {
    code: offering.code,
    name: variant?.name ?? offering.name,
    description: variant?.description ?? offering.description,
    serviceLine: { code: offering.serviceLineCode, name: offering.serviceLineName },
    lgslId: offering.lgslId,
    lgslUri: lgslUri(offering.lgslId),
    unit: offering.unit,
    formFields: [...offering.formFields, ...(variant?.extraFields ?? [])],
    approvalRequired: offering.approvalRequired,
    price: own ? priceOf(own, 'partner') : priceOf(standard, 'standard'),
    slaPolicy: policies.get(policyId) ?? null,
    localVariant: variant !== undefined,
    status: offering.status,
  };
}

/** Exactly what a partner's variant changes from the standard offering (including its own price today). */
export function differences(
  offering: Offering,
  variant: Variant | undefined,
  standard: Tariff | undefined,
  own: Tariff | undefined,
  policies: Map<string, SlaPolicy>,
): Difference[] {
  const list: Difference[] = [];
  if (variant?.name != null && variant.name !== offering.name)
    list.push({ field: 'name', standard: offering.name, variant: variant.name });
  if (variant?.description != null && variant.description !== offering.description) {
    list.push({ field: 'description', standard: offering.description, variant: variant.description });
  }
  if (variant?.hidden) list.push({ field: 'hidden', standard: 'visible', variant: 'hidden' });
  if (variant && variant.extraFields.length > 0) {
    list.push({
      field: 'extraFields',
      standard: '',
      variant: variant.extraFields.map((f) => f.label).join(', '),
    });
  }
  if (variant?.slaPolicyId && variant.slaPolicyId !== offering.slaPolicyId) {
    list.push({
      field: 'slaPolicy',
      standard: policies.get(offering.slaPolicyId)?.code ?? '',
      variant: policies.get(variant.slaPolicyId)?.code ?? '',
    });
  }
  if (own)
    list.push({
      field: 'price',
      standard: standard ? formatPounds(standard.pence) : '',
      variant: formatPounds(own.pence),
    });
  return list;
}

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

function variantSnapshot(variant: Variant, policyCode: string | null) {
  return {
    name: variant.name,
    description: variant.description,
    hidden: variant.hidden,
    extraFields: variant.extraFields,
    slaPolicy: policyCode,
  };
}

function tariffKey(offeringId: string, orgId: string) {
  return `${offeringId}:${orgId}`;
}

const codeTaken = (what: string, code: string) =>
  new DomainError('ERR_CATALOGUE_CODE_TAKEN', `${what} with code ${code} already exists`, {
    fields: { code: 'catalogue.errors.codeTaken' },
  });

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

type PartnerLookup = (hostOrgId: string, lineId: string, code: string) => Promise<string | undefined>;

export interface ImportProblem {
  line: number;
  field: string;
  message: string;
}

export function catalogueService(db: Database) {
  /** One unit of work with the caller's access worked out; a refusal by the database becomes its domain error. */
  const unit = <T>(ctx: Context, work: (tx: Tx, access: Access) => Promise<T>) =>
    inScope(db, scopeOf(ctx.principal), async (tx) => work(tx, await accessOf(tx, ctx.principal))).catch(
      (error: unknown) => {
        throw fromDatabaseRefusal(error) ?? error;
      },
    );

  /** The line, when the caller keeps it; otherwise "forbidden" (seen but not theirs) or "not found". */
  const managedLine = async (
    tx: Tx,
    access: Access,
    code: string,
    field = 'serviceLine',
  ): Promise<ServiceLine> => {
    const line = await repo.serviceLineByCode(tx, code);
    if (!line || !access.lineIds.includes(line.id))
      throw validationFailed({ [field]: 'catalogue.errors.serviceLineUnknown' });
    if (!access.managedLineIds.includes(line.id)) throw notYours(access);
    return line;
  };

  /** A service manager of other lines is told they may not; anyone else finds nothing there. */
  const notYours = (access: Access) =>
    access.managedLineIds.length
      ? forbidden('Only service managers of that line change its catalogue')
      : notFound();

  const requireManager = (access: Access) => {
    if (access.managedLineIds.length === 0) throw notFound();
  };

  const policyMap = async (tx: Tx, lineIds: readonly string[]) =>
    new Map((await repo.slaPolicies(tx, { lineIds })).map((p) => [p.id, p]));

  /** The offering in a line the caller keeps. */
  const managedOffering = async (tx: Tx, access: Access, code: string): Promise<Offering> => {
    const offering = await repo.offeringByCode(tx, code.toUpperCase());
    if (!offering || !access.lineIds.includes(offering.serviceLineId)) throw notFound('That offering');
    if (!access.managedLineIds.includes(offering.serviceLineId)) throw notYours(access);
    return offering;
  };

  /** An SLA policy the offering (or a partner's variant of it) may use: one of the same line, the standard's or that partner's. */
  const usablePolicy = async (
    tx: Tx,
    code: string,
    lineId: string,
    ownerIds: string[],
    field: string,
  ): Promise<SlaPolicy> => {
    const policy = await repo.slaPolicyByCode(tx, code);
    if (!policy || policy.serviceLineId !== lineId || !ownerIds.includes(policy.orgId))
      throw validationFailed({ [field]: 'catalogue.errors.slaPolicyUnknown' });
    return policy;
  };

  const resolvedFor = async (tx: Tx, access: Access, code?: string): Promise<ResolvedOffering[]> => {
    const today = londonToday();
    let offerings = await repo.offerings(tx, access.lineIds, { activeOnly: true });
    if (code) offerings = offerings.filter((o) => o.code === code);
    const ids = offerings.map((o) => o.id);
    const owners = access.hostOrgId ? [access.hostOrgId, access.orgId] : [access.orgId];
    const variants = access.isHost
      ? new Map<string, Variant>()
      : new Map(
          (await repo.variants(tx, { offeringIds: ids, orgIds: [access.orgId] })).map((v) => [
            v.offeringId,
            v,
          ]),
        );
    const prices = new Map(
      (await repo.tariffs(tx, { offeringIds: ids, orgIds: owners, on: today })).map((t) => [
        tariffKey(t.offeringId, t.orgId),
        t,
      ]),
    );
    const policies = new Map(
      (await repo.slaPolicies(tx, { lineIds: access.lineIds, orgIds: owners })).map((p) => [p.id, p]),
    );
    return offerings
      .filter((o) => !variants.get(o.id)?.hidden)
      .map((o) =>
        resolve(
          o,
          variants.get(o.id),
          access.hostOrgId ? prices.get(tariffKey(o.id, access.hostOrgId)) : undefined,
          access.isHost ? undefined : prices.get(tariffKey(o.id, access.orgId)),
          policies,
        ),
      );
  };

  const addOneTariff = async (
    tx: Tx,
    ctx: Context,
    access: Access,
    input: TariffInput,
    partners: PartnerLookup,
  ): Promise<Tariff> => {
    const offering = await repo.offeringByCode(tx, input.offering);
    if (!offering || !access.lineIds.includes(offering.serviceLineId)) {
      throw new DomainError('ERR_UNKNOWN_OFFERING', `No offering has the code ${input.offering}`, {
        fields: { offering: 'catalogue.errors.offeringUnknown' },
      });
    }
    if (!access.managedLineIds.includes(offering.serviceLineId))
      throw forbidden('Only service managers of that line change its prices');
    let orgId = offering.hostOrgId;
    if (input.organisation !== null) {
      const partnerId = await partners(offering.hostOrgId, offering.serviceLineId, input.organisation);
      if (!partnerId) {
        throw new DomainError(
          'ERR_UNKNOWN_ORGANISATION',
          `No partner taking this service has the code ${input.organisation}`,
          {
            fields: { organisation: 'catalogue.errors.organisationUnknown' },
          },
        );
      }
      orgId = partnerId;
    }
    const clash = await repo.overlappingTariffs(tx, offering.id, orgId, input.validFrom, input.validTo);
    if (clash.length) {
      throw new DomainError(
        'ERR_TARIFF_OVERLAP',
        `Those dates overlap the price in force from ${clash[0]!.validFrom}${clash[0]!.validTo ? ` to ${clash[0]!.validTo}` : ''}`,
        {
          fields: { validFrom: 'catalogue.errors.tariffOverlap' },
        },
      );
    }
    // A write racing this one can pass the check above too; the database then refuses the second,
    // and fromDatabaseRefusal turns that into the same ERR_TARIFF_OVERLAP.
    const tariff = await repo.insertTariff(tx, {
      orgId,
      hostOrgId: offering.hostOrgId,
      serviceLineId: offering.serviceLineId,
      offeringId: offering.id,
      pence: input.pence,
      validFrom: input.validFrom,
      validTo: input.validTo,
      createdBy: ctx.principal.userId,
    });
    await auditBy(tx, ctx, {
      orgId: offering.hostOrgId,
      action: 'tariff.add',
      entityType: 'tariff',
      entityId: tariff.id,
      after: {
        offering: offering.code,
        organisation: input.organisation,
        unitPrice: formatPounds(input.pence),
        validFrom: input.validFrom,
        validTo: input.validTo,
      },
    });
    return tariff;
  };

  /** Finds a partner taking a line by its code, remembering each line's partners for the rest of the unit of work. */
  const partnerCodes = (tx: Tx): PartnerLookup => {
    const byLine = new Map<string, Promise<Map<string, string>>>();
    return async (hostOrgId, lineId, code) => {
      if (!byLine.has(lineId))
        byLine.set(
          lineId,
          repo.partnersOf(tx, hostOrgId, [lineId]).then((list) => new Map(list.map((p) => [p.code, p.id]))),
        );
      return (await byLine.get(lineId)!).get(code);
    };
  };

  return {
    /** The offerings the caller's organisation may request, each resolved for it. */
    async offeringsFor(ctx: Context): Promise<ResolvedOffering[]> {
      return unit(ctx, (tx, access) => resolvedFor(tx, access));
    },

    async offeringFor(ctx: Context, code: string): Promise<ResolvedOffering> {
      const [found] = await unit(ctx, (tx, access) => resolvedFor(tx, access, code.toUpperCase()));
      if (!found) throw notFound('That offering');
      return found;
    },

    async serviceLines(
      ctx: Context,
    ): Promise<Array<ServiceLine & { managed: boolean; offerings: Offering[] }>> {
      return unit(ctx, async (tx, access) => {
        const lines = await repo.serviceLines(tx, access.lineIds);
        const offerings = await repo.offerings(tx, access.lineIds, {
          activeOnly: !access.managedLineIds.length,
        });
        return lines.map((line) => ({
          ...line,
          managed: access.managedLineIds.includes(line.id),
          offerings: offerings.filter((o) => o.serviceLineId === line.id),
        }));
      });
    },

    /** Whether the caller keeps any part of the catalogue (for navigation and page links). */
    async isManager(ctx: Context): Promise<boolean> {
      if (ctx.principal.org.role !== 'host' || !hasRole(ctx.principal, 'service_manager')) return false;
      return unit(ctx, async (_tx, access) => access.managedLineIds.length > 0);
    },

    async addServiceLine(ctx: Context, input: Record<string, unknown>): Promise<ServiceLine> {
      if (ctx.principal.org.role !== 'host' || !hasRole(ctx.principal, 'service_manager'))
        throw forbidden('Only service managers of the host add service lines');
      const errors: FieldErrors = {};
      const code = typeof input.code === 'string' ? input.code.trim().toUpperCase() : '';
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      const teams = (
        Array.isArray(input.teams)
          ? input.teams
          : typeof input.teams === 'string'
            ? input.teams.split(/\r?\n/)
            : []
      )
        .map((team) => (typeof team === 'string' ? team.trim() : ''))
        .filter(Boolean);
      if (!/^[A-Z][A-Z0-9-]{1,15}$/.test(code))
        errors.code = code ? 'catalogue.errors.codeFormat' : 'catalogue.errors.codeMissing';
      if (!name || name.length > 200)
        errors.name = name ? 'catalogue.errors.nameTooLong' : 'catalogue.errors.nameMissing';
      if (teams.some((team) => team.length > 200) || new Set(teams).size !== teams.length)
        errors.teams = 'catalogue.errors.teamsInvalid';
      if (Object.keys(errors).length) throw validationFailed(errors);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        if (await repo.serviceLineByCode(tx, code)) throw codeTaken('A service line', code);
        let id: string;
        try {
          id = await repo.insertServiceLine(tx, {
            orgId: ctx.principal.org.orgId,
            code,
            name,
            managerUserIds: [ctx.principal.userId],
            teams,
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw codeTaken('A service line', code);
          throw error;
        }
        await auditBy(tx, ctx, {
          orgId: ctx.principal.org.orgId,
          action: 'service-line.add',
          entityType: 'service_line',
          entityId: id,
          after: { code, name, teams },
        });
        return (await repo.serviceLines(tx, [id]))[0]!;
      });
    },

    // Standard offerings

    /** Everything a service manager needs about one offering: variants with their differences, prices, history. */
    async manageOffering(ctx: Context, code: string) {
      return unit(ctx, async (tx, access) => {
        const offering = await managedOffering(tx, access, code);
        const today = londonToday();
        const partners = await repo.partnersOf(tx, offering.hostOrgId, [offering.serviceLineId]);
        const variants = new Map(
          (await repo.variants(tx, { offeringIds: [offering.id] })).map((v) => [v.orgId, v]),
        );
        const tariffs = await repo.tariffs(tx, { offeringIds: [offering.id] });
        const inForce = (orgId: string) =>
          tariffs.find(
            (t) => t.orgId === orgId && t.validFrom <= today && (t.validTo === null || t.validTo >= today),
          );
        const policies = await policyMap(tx, [offering.serviceLineId]);
        const standardPrice = inForce(offering.hostOrgId);
        return {
          offering,
          lgslUri: lgslUri(offering.lgslId),
          slaPolicy: policies.get(offering.slaPolicyId) ?? null,
          standardPrice: priceOf(standardPrice, 'standard'),
          partners: partners.map((partner) => {
            const variant = variants.get(partner.id);
            const own = inForce(partner.id);
            return {
              ...partner,
              variant: variant ?? null,
              differences: differences(offering, variant, standardPrice, own, policies),
              resolved: resolve(offering, variant, standardPrice, own, policies),
            };
          }),
          tariffs: tariffs.map((t) => ({
            ...t,
            unitPrice: formatPounds(t.pence),
            organisation: partners.find((p) => p.id === t.orgId) ?? null,
          })),
          history: await repo.history(tx, 'offering', offering.id),
          policies: [...policies.values()].filter((p) => p.orgId === offering.hostOrgId),
        };
      });
    },

    /** Which partners diverge from the standard on which offerings, across the lines the caller keeps. */
    async divergence(ctx: Context) {
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const today = londonToday();
        const offerings = await repo.offerings(tx, access.managedLineIds);
        const ids = offerings.map((o) => o.id);
        const variants = await repo.variants(tx, { offeringIds: ids });
        const tariffs = await repo.tariffs(tx, { offeringIds: ids, on: today });
        const policies = await policyMap(tx, access.managedLineIds);
        const partners = access.hostOrgId
          ? await repo.partnersOf(tx, access.hostOrgId, access.managedLineIds)
          : [];
        const rows: Array<{
          offering: Offering;
          partner: { id: string; code: string; name: string };
          differences: Difference[];
        }> = [];
        for (const offering of offerings) {
          const standard = tariffs.find(
            (t) => t.offeringId === offering.id && t.orgId === offering.hostOrgId,
          );
          for (const partner of partners) {
            const variant = variants.find((v) => v.offeringId === offering.id && v.orgId === partner.id);
            const own = tariffs.find((t) => t.offeringId === offering.id && t.orgId === partner.id);
            const diff = differences(offering, variant, standard, own, policies);
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

    async policiesForForm(ctx: Context) {
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        return {
          lines: await repo.serviceLines(tx, access.managedLineIds),
          policies: (await repo.slaPolicies(tx, { lineIds: access.managedLineIds })).filter(
            (p) => p.orgId === p.hostOrgId,
          ),
        };
      });
    },

    async addOffering(ctx: Context, input: Record<string, unknown>): Promise<Offering> {
      const { value, errors } = validateOffering(input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const line = await managedLine(tx, access, value.serviceLine);
        const policy = await usablePolicy(tx, value.slaPolicy, line.id, [line.orgId], 'slaPolicy');
        if (await repo.codeTaken(tx, 'offerings', value.code)) throw codeTaken('An offering', value.code);
        const offering = await repo.insertOffering(tx, line.orgId, line.id, policy.id, value);
        const snapshot = offeringSnapshot(offering, policy.code);
        await repo.recordHistory(tx, {
          orgId: line.orgId,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          entityType: 'offering',
          entityId: offering.id,
          version: offering.version,
          snapshot,
          changedBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: line.orgId,
          action: 'offering.add',
          entityType: 'offering',
          entityId: offering.id,
          after: snapshot,
        });
        return offering;
      });
    },

    async changeOffering(ctx: Context, code: string, input: Record<string, unknown>): Promise<Offering> {
      const { value, errors } = validateOffering({ ...input, code });
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, async (tx, access) => {
        const before = await managedOffering(tx, access, code);
        const line = await managedLine(tx, access, value.serviceLine);
        const policy = await usablePolicy(tx, value.slaPolicy, line.id, [line.orgId], 'slaPolicy');
        const policies = await policyMap(tx, [before.serviceLineId]);
        await repo.updateOffering(tx, before.id, line.id, policy.id, value);
        const after = (await repo.offeringByCode(tx, before.code))!;
        const snapshot = offeringSnapshot(after, policy.code);
        await repo.recordHistory(tx, {
          orgId: line.orgId,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          entityType: 'offering',
          entityId: after.id,
          version: after.version,
          snapshot,
          changedBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: line.orgId,
          action: 'offering.change',
          entityType: 'offering',
          entityId: after.id,
          before: offeringSnapshot(before, policies.get(before.slaPolicyId)?.code ?? ''),
          after: snapshot,
        });
        return after;
      });
    },

    // Variants

    async variantFor(ctx: Context, code: string, partnerCode: string) {
      return unit(ctx, async (tx, access) => {
        const offering = await managedOffering(tx, access, code);
        const partner = (await repo.partnersOf(tx, offering.hostOrgId, [offering.serviceLineId])).find(
          (p) => p.code === partnerCode.toUpperCase(),
        );
        if (!partner) throw notFound('That partner');
        const [variant] = await repo.variants(tx, { offeringIds: [offering.id], orgIds: [partner.id] });
        const policies = await repo.slaPolicies(tx, {
          lineIds: [offering.serviceLineId],
          orgIds: [offering.hostOrgId, partner.id],
        });
        const today = londonToday();
        const prices = await repo.tariffs(tx, {
          offeringIds: [offering.id],
          orgIds: [offering.hostOrgId, partner.id],
          on: today,
        });
        const map = new Map(policies.map((p) => [p.id, p]));
        const standard = prices.find((t) => t.orgId === offering.hostOrgId);
        const own = prices.find((t) => t.orgId === partner.id);
        return {
          offering,
          partner,
          variant: variant ?? null,
          policies,
          differences: differences(offering, variant, standard, own, map),
          resolved: resolve(offering, variant, standard, own, map),
          standardPolicy: map.get(offering.slaPolicyId) ?? null,
          history: variant ? await repo.history(tx, 'variant', variant.id) : ([] as HistoryEntry[]),
        };
      });
    },

    async saveVariant(
      ctx: Context,
      code: string,
      partnerCode: string,
      input: Record<string, unknown>,
    ): Promise<Variant> {
      const { value, errors } = validateVariant(input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, async (tx, access) => {
        const offering = await managedOffering(tx, access, code);
        const partner = (await repo.partnersOf(tx, offering.hostOrgId, [offering.serviceLineId])).find(
          (p) => p.code === partnerCode.toUpperCase(),
        );
        if (!partner) {
          throw new DomainError(
            'ERR_UNKNOWN_ORGANISATION',
            `No partner taking this service has the code ${partnerCode}`,
            { fields: { organisation: 'catalogue.errors.organisationUnknown' } },
          );
        }
        const policy = value.slaPolicy
          ? await usablePolicy(
              tx,
              value.slaPolicy,
              offering.serviceLineId,
              [offering.hostOrgId, partner.id],
              'slaPolicy',
            )
          : null;
        const clash = [...offering.formFields.map((f) => f.key)].find((key) =>
          value.extraFields.some((f) => f.key === key),
        );
        if (clash) throw validationFailed({ extraFields: 'catalogue.errors.fieldDuplicate' });
        const [before] = await repo.variants(tx, { offeringIds: [offering.id], orgIds: [partner.id] });
        const variant = await repo.saveVariant(tx, offering, partner.id, value, policy?.id ?? null);
        const snapshot = { partner: partner.code, ...variantSnapshot(variant, policy?.code ?? null) };
        await repo.recordHistory(tx, {
          orgId: partner.id,
          hostOrgId: offering.hostOrgId,
          serviceLineId: offering.serviceLineId,
          entityType: 'variant',
          entityId: variant.id,
          version: variant.version,
          snapshot,
          changedBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: offering.hostOrgId,
          action: before ? 'variant.change' : 'variant.add',
          entityType: 'offering_variant',
          entityId: variant.id,
          before: before ? { partner: partner.code, ...variantSnapshot(before, null) } : undefined,
          after: { offering: offering.code, ...snapshot },
        });
        return variant;
      });
    },

    // Tariffs

    async tariffs(ctx: Context) {
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const offerings = await repo.offerings(tx, access.managedLineIds);
        const partners = access.hostOrgId ? await repo.partnersOf(tx, access.hostOrgId) : [];
        const names = new Map(partners.map((p) => [p.id, p]));
        const tariffs = await repo.tariffs(tx, { offeringIds: offerings.map((o) => o.id) });
        return tariffs.map((t) => ({
          ...t,
          unitPrice: formatPounds(t.pence),
          organisation: names.get(t.orgId) ?? null,
        }));
      });
    },

    async addTariff(ctx: Context, input: Record<string, unknown>): Promise<Tariff> {
      const { value, errors } = validateTariff(input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        return addOneTariff(tx, ctx, access, value, partnerCodes(tx));
      });
    },

    /** Ends a price on a date (inclusive); the row stays, as history. */
    async endTariff(ctx: Context, id: string, validTo: unknown): Promise<Tariff> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('That price');
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const tariff = await repo.tariffById(tx, id);
        const offering = tariff && (await repo.offeringByCode(tx, tariff.offeringCode));
        if (!tariff || !offering || !access.managedLineIds.includes(offering.serviceLineId))
          throw notFound('That price');
        if (
          typeof validTo !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}$/.test(validTo) ||
          Number.isNaN(Date.parse(validTo))
        )
          throw validationFailed({ validTo: 'catalogue.errors.dateFormat' });
        if (validTo < tariff.validFrom)
          throw validationFailed({ validTo: 'catalogue.errors.validToBeforeFrom' });
        if (tariff.validTo !== null && validTo > tariff.validTo)
          throw validationFailed({ validTo: 'catalogue.errors.endLater' });
        const after = await repo.endTariff(tx, id, validTo);
        await auditBy(tx, ctx, {
          orgId: offering.hostOrgId,
          action: 'tariff.end',
          entityType: 'tariff',
          entityId: id,
          before: { validTo: tariff.validTo },
          after: { validTo },
        });
        return after;
      });
    },

    /**
     * Applies every row of a tariff CSV, or none: any wrong row (bad value, unknown code, overlapping
     * dates, with the file's own rows too) rejects the whole file with each problem and its line.
     */
    async importTariffs(
      ctx: Context,
      csv: string,
      onProgress: (done: number, total: number) => void = () => {},
    ): Promise<{ added: number }> {
      const parsed = parseTariffCsv(csv);
      if ('problem' in parsed)
        throw new DomainError('ERR_IMPORT_REJECTED', 'The file could not be read', {
          fields: { csv: parsed.problem },
          rows: [],
        });
      const problems: ImportProblem[] = [];
      const inputs: Array<{ line: number; value: TariffInput }> = [];
      for (const row of parsed.rows) {
        const { value, errors } = validateTariff({
          offering: row.values.offering,
          organisation: row.values.organisation,
          unitPrice: row.values.unit_price,
          validFrom: row.values.valid_from,
          validTo: row.values.valid_to,
        });
        for (const [field, message] of Object.entries(errors))
          problems.push({ line: row.line, field, message });
        if (!Object.keys(errors).length) inputs.push({ line: row.line, value });
      }
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const partners = partnerCodes(tx);
        let added = 0;
        for (const [index, { line, value }] of inputs.entries()) {
          try {
            await addOneTariff(tx, ctx, access, value, partners);
            added++;
          } catch (error) {
            const refusal = fromDatabaseRefusal(error);
            if (refusal) {
              // The database refused the row, which aborts the transaction: no later row can be
              // checked, so the file is rejected with the problems found up to this line.
              for (const [field, message] of Object.entries(refusal.details?.fields as FieldErrors))
                problems.push({ line, field, message });
              break;
            }
            const fields =
              error instanceof DomainError ? (error.details?.fields as FieldErrors | undefined) : undefined;
            if (!fields && !(error instanceof DomainError && error.code === 'ERR_FORBIDDEN')) throw error;
            if (fields)
              for (const [field, message] of Object.entries(fields)) problems.push({ line, field, message });
            else problems.push({ line, field: 'offering', message: 'catalogue.errors.offeringNotYours' });
          }
          if ((index + 1) % 100 === 0 || index + 1 === inputs.length) onProgress(index + 1, inputs.length);
        }
        if (problems.length) {
          problems.sort((a, b) => a.line - b.line);
          throw new DomainError(
            'ERR_IMPORT_REJECTED',
            `${problems.length} problem(s) in the file; nothing was imported`,
            {
              fields: { csv: 'catalogue.errors.csvRejected' },
              rows: problems,
            },
          );
        }
        return { added };
      });
    },

    // SLA policies

    async slaPolicies(ctx: Context): Promise<SlaPolicy[]> {
      return unit(ctx, async (tx, access) => {
        const owners = access.hostOrgId ? [access.hostOrgId, access.orgId] : [access.orgId];
        return repo.slaPolicies(tx, {
          lineIds: [...new Set([...access.lineIds, ...access.managedLineIds])],
          orgIds: access.managedLineIds.length ? undefined : owners,
        });
      });
    },

    async slaPolicy(
      ctx: Context,
      code: string,
    ): Promise<SlaPolicy & { serviceLineCode: string; managed: boolean; history: HistoryEntry[] }> {
      return unit(ctx, async (tx, access) => {
        const policy = await repo.slaPolicyByCode(tx, code.toUpperCase());
        const owners = access.hostOrgId ? [access.hostOrgId, access.orgId] : [access.orgId];
        const managed = policy !== undefined && access.managedLineIds.includes(policy.serviceLineId);
        if (
          !policy ||
          !(managed || (access.lineIds.includes(policy.serviceLineId) && owners.includes(policy.orgId)))
        )
          throw notFound('That SLA policy');
        const line = (await repo.serviceLines(tx, [policy.serviceLineId]))[0]!;
        return {
          ...policy,
          serviceLineCode: line.code,
          managed,
          history: managed ? await repo.history(tx, 'sla_policy', policy.id) : [],
        };
      });
    },

    async saveSlaPolicy(
      ctx: Context,
      input: Record<string, unknown>,
      existingCode?: string,
    ): Promise<SlaPolicy> {
      const { value, errors } = validateSlaPolicy(existingCode ? { ...input, code: existingCode } : input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      return unit(ctx, async (tx, access) => {
        requireManager(access);
        const line = await managedLine(tx, access, value.serviceLine);
        const calendar = await repo.calendarByCode(tx, value.calendar);
        if (!calendar || calendar.hostOrgId !== line.orgId)
          throw validationFailed({ calendar: 'catalogue.errors.calendarUnknown' });
        let policy: SlaPolicy;
        let before: SlaPolicy | undefined;
        if (existingCode) {
          before = await repo.slaPolicyByCode(tx, existingCode.toUpperCase());
          if (!before || !access.managedLineIds.includes(before.serviceLineId))
            throw notFound('That SLA policy');
          if (before.serviceLineId !== line.id)
            throw validationFailed({ serviceLine: 'catalogue.errors.serviceLineFixed' });
          if (calendar.orgId !== before.orgId && calendar.orgId !== calendar.hostOrgId)
            throw validationFailed({ calendar: 'catalogue.errors.calendarUnknown' });
          policy = await repo.updateSlaPolicy(tx, before.id, {
            calendarId: calendar.id,
            name: value.name,
            warningPercent: value.warningPercent,
            pauseStates: value.pauseStates,
            targets: value.targets,
          });
        } else {
          if (await repo.codeTaken(tx, 'sla_policies', value.code))
            throw codeTaken('An SLA policy', value.code);
          // A policy on a partner's own calendar belongs to that partner.
          policy = await repo.insertSlaPolicy(tx, {
            orgId: calendar.orgId,
            hostOrgId: line.orgId,
            serviceLineId: line.id,
            calendarId: calendar.id,
            code: value.code,
            name: value.name,
            warningPercent: value.warningPercent,
            pauseStates: value.pauseStates,
            targets: value.targets,
          });
        }
        const snapshot = {
          code: policy.code,
          name: policy.name,
          serviceLine: line.code,
          calendar: calendar.code,
          warningPercent: policy.warningPercent,
          pauseStates: policy.pauseStates,
          targets: policy.targets,
        };
        await repo.recordHistory(tx, {
          orgId: policy.orgId,
          hostOrgId: line.orgId,
          serviceLineId: line.id,
          entityType: 'sla_policy',
          entityId: policy.id,
          version: policy.version,
          snapshot,
          changedBy: ctx.principal.userId,
        });
        await auditBy(tx, ctx, {
          orgId: line.orgId,
          action: before ? 'sla-policy.change' : 'sla-policy.add',
          entityType: 'sla_policy',
          entityId: policy.id,
          after: snapshot,
        });
        return policy;
      });
    },
  };
}

export type CatalogueService = ReturnType<typeof catalogueService>;
