import { formatPounds } from '../../../kernel/money.js';
import type { FormField, Status } from './offerings.schemas.js';

/**
 * Inherit and override, as pure functions: what an organisation sees of a standard offering once its
 * variant (if any) is applied, and exactly what that variant changes. No I/O: the use cases load the
 * rows, these decide.
 */

/** The standard offering, as far as resolution needs it. */
export interface StandardOffering {
  code: string;
  name: string;
  description: string;
  serviceLineCode: string;
  serviceLineName: string;
  lgslId: number | null;
  unit: string;
  formFields: FormField[];
  slaPolicyId: string;
  approvalRequired: boolean;
  status: Status;
}

/** A partner's overrides: null inherits. */
export interface Overrides {
  name: string | null;
  description: string | null;
  hidden: boolean;
  extraFields: FormField[];
  slaPolicyId: string | null;
}

/** A price in force. */
export interface PriceRow {
  pence: number;
  validFrom: string;
  validTo: string | null;
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
export interface ResolvedOffering<P> {
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
  slaPolicy: P | null;
  /** True when the organisation has a variant of this offering. */
  localVariant: boolean;
  status: Status;
}

export interface Difference {
  field: 'name' | 'description' | 'hidden' | 'extraFields' | 'slaPolicy' | 'price';
  standard: string;
  variant: string;
}

export function lgslUri(id: number | null): string | null {
  return id === null ? null : `http://id.esd.org.uk/service/${id}`;
}

export function priceOf(tariff: PriceRow | undefined, source: Price['source']): Price | null {
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

/**
 * The offering as the organisation sees it. Each field the variant sets replaces the standard's;
 * extra questions come after the standard ones; the organisation's own price, when it has one in
 * force, replaces the standard price.
 */
export function resolve<P extends { id: string }>(
  offering: StandardOffering,
  variant: Overrides | undefined,
  prices: { standard?: PriceRow | undefined; own?: PriceRow | undefined },
  policies: ReadonlyMap<string, P>,
): ResolvedOffering<P> {
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
    price: prices.own ? priceOf(prices.own, 'partner') : priceOf(prices.standard, 'standard'),
    slaPolicy: policies.get(policyId) ?? null,
    localVariant: variant !== undefined,
    status: offering.status,
  };
}

/** Exactly what a partner's variant changes from the standard offering, its own price today included. */
export function differences<P extends { code: string }>(
  offering: StandardOffering,
  variant: Overrides | undefined,
  prices: { standard?: PriceRow | undefined; own?: PriceRow | undefined },
  policies: ReadonlyMap<string, P>,
): Difference[] {
  const list: Difference[] = [];
  if (variant?.name != null && variant.name !== offering.name)
    list.push({ field: 'name', standard: offering.name, variant: variant.name });
  if (variant?.description != null && variant.description !== offering.description)
    list.push({ field: 'description', standard: offering.description, variant: variant.description });
  if (variant?.hidden) list.push({ field: 'hidden', standard: 'visible', variant: 'hidden' });
  if (variant && variant.extraFields.length > 0)
    list.push({
      field: 'extraFields',
      standard: '',
      variant: variant.extraFields.map((f) => f.label).join(', '),
    });
  if (variant?.slaPolicyId && variant.slaPolicyId !== offering.slaPolicyId)
    list.push({
      field: 'slaPolicy',
      standard: policies.get(offering.slaPolicyId)?.code ?? '',
      variant: policies.get(variant.slaPolicyId)?.code ?? '',
    });
  if (prices.own)
    list.push({
      field: 'price',
      standard: prices.standard ? formatPounds(prices.standard.pence) : '',
      variant: formatPounds(prices.own.pence),
    });
  return list;
}
