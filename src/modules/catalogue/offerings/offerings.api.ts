import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled } from '../../../platform/api/index.js';
import { CodeParams } from '../catalogue.schemas.js';
import { presentPolicy } from '../sla-policies/sla-policies.api.js';
import type { SlaPolicy } from '../sla-policies/sla-policies.repository.js';
import type { Offering, Variant } from './offerings.repository.js';
import type { OfferingsService, Resolved } from './offerings.service.js';
import type { VariantsService } from './variants.service.js';
import {
  DifferenceSchema,
  NewOfferingBody,
  OfferingBody,
  ResolvedSchema,
  StandardOfferingSchema,
  VariantBody,
  VariantParams,
  VariantSchema,
} from './offerings.schemas.js';
import type { Difference } from './resolution.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

export function presentResolved(offering: Resolved) {
  const { price, slaPolicy, status: _status, ...rest } = offering;
  return {
    ...rest,
    price: price && {
      unitPrice: price.unitPrice,
      unitPricePence: price.pence,
      validFrom: price.validFrom,
      validTo: price.validTo,
      source: price.source,
    },
    slaPolicy: slaPolicy && presentPolicy(slaPolicy),
  };
}

function presentStandard(offering: Offering, slaPolicy: SlaPolicy | null) {
  return {
    code: offering.code,
    serviceLine: offering.serviceLineCode,
    name: offering.name,
    description: offering.description,
    lgslId: offering.lgslId,
    unit: offering.unit,
    formFields: offering.formFields,
    slaPolicy: slaPolicy?.code ?? '',
    approvalRequired: offering.approvalRequired,
    status: offering.status,
    version: offering.version,
  };
}

function presentVariant(view: {
  offering: Offering;
  partner: { code: string; name: string };
  variant: Variant | null;
  differences: Difference[];
  resolved: Resolved;
}) {
  const { variant } = view;
  return {
    offering: view.offering.code,
    organisation: { code: view.partner.code, name: view.partner.name },
    overrides: variant && {
      name: variant.name,
      description: variant.description,
      hidden: variant.hidden,
      extraFields: variant.extraFields,
      // The variant's own policy, never the standard one it inherits.
      slaPolicy: variant.slaPolicyId ? (view.resolved.slaPolicy?.code ?? null) : null,
      version: variant.version,
    },
    differences: view.differences,
    resolved: presentResolved(view.resolved),
  };
}

export const offeringsApi: FastifyPluginAsyncTypebox<{
  offerings: OfferingsService;
  variants: VariantsService;
}> = async (app, options) => {
  const { offerings, variants } = options;

  app.get(
    '/catalogue/offerings',
    {
      schema: {
        summary: "Offerings the caller's organisation may request",
        description:
          "Each with the organisation's variant applied, the price in force today and its SLA policy.",
        tags: ['catalogue'],
        response: { 200: Type.Object({ data: Type.Array(ResolvedSchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ data: (await offerings.offeringsFor(callerOf(request))).map(presentResolved) }),
  );

  app.get(
    '/catalogue/offerings/:code',
    {
      schema: {
        summary: 'One offering, resolved for the caller',
        tags: ['catalogue'],
        params: CodeParams,
        response: { 200: ResolvedSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentResolved(await offerings.offeringFor(callerOf(request), request.params.code)),
  );

  app.post(
    '/catalogue/offerings',
    {
      schema: {
        summary:
          'Add an offering, with its standard price from today if given (service managers of its line)',
        tags: ['catalogue'],
        body: NewOfferingBody,
        response: { 201: StandardOfferingSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { offering, slaPolicy } = await offerings.add(callerOf(request), filled(request.body));
      return reply.status(201).send(presentStandard(offering, slaPolicy));
    },
  );

  app.get(
    '/catalogue/offerings/:code/standard',
    {
      schema: {
        summary: 'The standard offering (service managers of its line)',
        tags: ['catalogue'],
        params: CodeParams,
        response: { 200: StandardOfferingSchema, ...errors },
      },
    },
    async (request) => {
      const view = await offerings.standard(callerOf(request), request.params.code);
      return presentStandard(view.offering, view.slaPolicy);
    },
  );

  app.put(
    '/catalogue/offerings/:code',
    {
      schema: {
        summary: 'Change an offering (service managers of its line)',
        description:
          'The change flows to every variant except where the variant overrides it. The code in the path names the offering; an offering stays in its service line.',
        tags: ['catalogue'],
        params: CodeParams,
        body: OfferingBody,
        response: { 200: StandardOfferingSchema, ...errors },
      },
    },
    async (request) => {
      const { offering, slaPolicy } = await offerings.change(
        callerOf(request),
        request.params.code,
        filled(request.body),
      );
      return presentStandard(offering, slaPolicy);
    },
  );

  app.get(
    '/catalogue/offerings/:code/variants',
    {
      schema: {
        summary: "Every partner's variant of an offering, with its differences from the standard",
        tags: ['catalogue'],
        params: CodeParams,
        response: { 200: Type.Object({ data: Type.Array(VariantSchema) }), ...errors },
      },
    },
    async (request) => {
      const view = await offerings.standard(callerOf(request), request.params.code);
      return {
        data: view.partners.map((partner) =>
          presentVariant({ ...partner, offering: view.offering, partner }),
        ),
      };
    },
  );

  app.get(
    '/catalogue/offerings/:code/variants/:organisation',
    {
      schema: {
        summary: "One partner's variant",
        tags: ['catalogue'],
        params: VariantParams,
        response: { 200: VariantSchema, ...errors },
      },
    },
    async (request) =>
      presentVariant(
        await variants.variant(callerOf(request), request.params.code, request.params.organisation),
      ),
  );

  app.put(
    '/catalogue/offerings/:code/variants/:organisation',
    {
      schema: {
        summary: "Set a partner's variant (service managers of the line)",
        description: 'Absent or null fields inherit from the standard offering.',
        tags: ['catalogue'],
        params: VariantParams,
        body: VariantBody,
        response: { 200: VariantSchema, ...errors },
      },
    },
    async (request) =>
      presentVariant(
        await variants.save(
          callerOf(request),
          request.params.code,
          request.params.organisation,
          filled(request.body),
        ),
      ),
  );

  app.get(
    '/catalogue/divergence',
    {
      schema: {
        summary: 'Which partners diverge from the standard on which offerings (service managers)',
        tags: ['catalogue'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                offering: Type.String(),
                organisation: Type.String(),
                differences: Type.Array(DifferenceSchema),
              }),
            ),
          }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await variants.divergence(callerOf(request))).rows.map((row) => ({
        offering: row.offering.code,
        organisation: row.partner.code,
        differences: row.differences,
      })),
    }),
  );
};
