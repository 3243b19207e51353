import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../../platform/web/index.js';
import { ErrorResponse, Uuid } from '../../platform/api/index.js';
import type { CatalogueService, ResolvedOffering } from './catalogue.service.js';
import type { AgreementsService, AgreementView } from './agreements.service.js';
import type { LineManagersService } from './line-managers.service.js';
import type { Person } from './catalogue.repository.js';
import { calendarJson, type CalendarsService } from './calendars.service.js';
import type { SlaPolicy, Tariff } from './catalogue.repository.js';
import {
  DIVISIONS,
  FIELD_TYPES,
  MAX_MINUTES,
  PAUSE_STATES,
  PRIORITIES,
  STATUSES,
  TARGET_UNITS,
  UNITS,
} from './catalogue.schemas.js';
import { formatPounds } from '../../kernel/money.js';

/** A string from a fixed list (kept as a plain string type so that handlers type-check against it). */
const literals = (values: readonly string[]) => Type.String({ enum: [...values] });
const IsoDate = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

const FormFieldSchema = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 40, description: 'Made from the label when absent' })),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    type: literals(FIELD_TYPES),
    required: Type.Optional(Type.Boolean()),
    hint: Type.Optional(Type.String({ maxLength: 500 })),
    options: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

const Intervals = Type.Array(
  Type.Array(Type.String(), { minItems: 2, maxItems: 2, description: '["HH:MM", "HH:MM"]' }),
  { maxItems: 24 },
);
const HoursSchema = Type.Partial(
  Type.Object(
    {
      monday: Intervals,
      tuesday: Intervals,
      wednesday: Intervals,
      thursday: Intervals,
      friday: Intervals,
      saturday: Intervals,
      sunday: Intervals,
    },
    { additionalProperties: false },
  ),
  { additionalProperties: false },
);

const CalendarSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  timeZone: Type.String(),
  hours: HoursSchema,
  holidays: Type.Union([literals(DIVISIONS), Type.Null()]),
  closures: Type.Array(IsoDate),
});

const CalendarBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timeZone: Type.Optional(
      Type.String({ maxLength: 64, description: 'IANA time zone; Europe/London when absent' }),
    ),
    hours: HoursSchema,
    holidays: Type.Union([literals(DIVISIONS), Type.Null()]),
    closures: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    organisation: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: "A partner's code, for that partner's own calendar",
      }),
    ),
  },
  { additionalProperties: false },
);

const TargetSchema = Type.Object(
  { value: Type.Integer({ minimum: 1, maximum: MAX_MINUTES }), unit: literals(TARGET_UNITS) },
  { additionalProperties: false },
);
const TargetsSchema = Type.Object(
  Object.fromEntries(
    PRIORITIES.map((p) => [
      p,
      Type.Object({ response: TargetSchema, resolution: TargetSchema }, { additionalProperties: false }),
    ]),
  ),
  { additionalProperties: false },
);

const SlaPolicySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  serviceLine: Type.String(),
  calendar: Type.String(),
  warningPercent: Type.Integer(),
  pauseStates: Type.Array(Type.String()),
  targets: TargetsSchema,
  version: Type.Integer(),
});

const SlaPolicyBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 32 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    serviceLine: Type.String({ minLength: 1, maxLength: 16 }),
    calendar: Type.String({ minLength: 1, maxLength: 32 }),
    warningPercent: Type.Integer({ minimum: 1, maximum: 99 }),
    pauseStates: Type.Array(literals(PAUSE_STATES), { maxItems: PAUSE_STATES.length }),
    targets: TargetsSchema,
  },
  { additionalProperties: false },
);

const PriceSchema = Type.Union([
  Type.Object({
    unitPrice: Type.String({ description: 'Pounds with two decimals, e.g. "12.50"' }),
    unitPricePence: Type.Integer(),
    validFrom: IsoDate,
    validTo: Type.Union([IsoDate, Type.Null()]),
    source: literals(['standard', 'partner'] as const),
  }),
  Type.Null(),
]);

const ResolvedSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  serviceLine: Type.Object({ code: Type.String(), name: Type.String() }),
  lgslId: Type.Union([Type.Integer(), Type.Null()]),
  lgslUri: Type.Union([Type.String(), Type.Null()]),
  unit: Type.String(),
  formFields: Type.Array(FormFieldSchema),
  approvalRequired: Type.Boolean(),
  price: PriceSchema,
  slaPolicy: Type.Union([SlaPolicySchema, Type.Null()]),
  localVariant: Type.Boolean(),
});

const OfferingBody = Type.Object(
  {
    serviceLine: Type.String({ minLength: 1, maxLength: 16 }),
    code: Type.String({ minLength: 1, maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    lgslId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    unit: literals(UNITS),
    formFields: Type.Optional(Type.Array(FormFieldSchema, { maxItems: 50 })),
    slaPolicy: Type.String({ minLength: 1, maxLength: 32 }),
    approvalRequired: Type.Optional(Type.Boolean()),
    status: Type.Optional(literals(STATUSES)),
  },
  { additionalProperties: false },
);

const StandardOfferingSchema = Type.Object({
  code: Type.String(),
  serviceLine: Type.String(),
  name: Type.String(),
  description: Type.String(),
  lgslId: Type.Union([Type.Integer(), Type.Null()]),
  unit: Type.String(),
  formFields: Type.Array(FormFieldSchema),
  slaPolicy: Type.String(),
  approvalRequired: Type.Boolean(),
  status: Type.String(),
  version: Type.Integer(),
});

const VariantBody = Type.Object(
  {
    name: Type.Optional(
      Type.Union([Type.String({ maxLength: 200 }), Type.Null()], {
        description: 'null or absent: as the standard',
      }),
    ),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 5000 }), Type.Null()])),
    hidden: Type.Optional(Type.Boolean()),
    extraFields: Type.Optional(Type.Array(FormFieldSchema, { maxItems: 50 })),
    slaPolicy: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const DifferenceSchema = Type.Object({
  field: Type.String(),
  standard: Type.String(),
  variant: Type.String(),
});

const VariantSchema = Type.Object({
  offering: Type.String(),
  organisation: Type.Object({ code: Type.String(), name: Type.String() }),
  overrides: Type.Union([
    Type.Object({
      name: Type.Union([Type.String(), Type.Null()]),
      description: Type.Union([Type.String(), Type.Null()]),
      hidden: Type.Boolean(),
      extraFields: Type.Array(FormFieldSchema),
      slaPolicy: Type.Union([Type.String(), Type.Null()]),
      version: Type.Integer(),
    }),
    Type.Null(),
  ]),
  differences: Type.Array(DifferenceSchema),
  resolved: ResolvedSchema,
});

const TariffSchema = Type.Object({
  id: Uuid,
  offering: Type.String(),
  organisation: Type.Union([Type.String(), Type.Null()], {
    description: "The partner's code; null for the standard price",
  }),
  unitPrice: Type.String(),
  unitPricePence: Type.Integer(),
  validFrom: IsoDate,
  validTo: Type.Union([IsoDate, Type.Null()]),
});

const TariffBody = Type.Object(
  {
    offering: Type.String({ minLength: 1, maxLength: 40 }),
    organisation: Type.Optional(
      Type.Union([Type.String({ maxLength: 16 }), Type.Null()], {
        description: 'Empty or null: the standard price',
      }),
    ),
    unitPrice: Type.String({
      maxLength: 20,
      description: 'Pounds as text, e.g. "12.50"; never a floating-point number',
    }),
    validFrom: Type.String({ maxLength: 10 }),
    validTo: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const CodeParams = Type.Object({ code: Type.String({ maxLength: 64 }) });

const AgreementSchema = Type.Object({
  id: Uuid,
  serviceLine: Type.Object({ code: Type.String(), name: Type.String() }),
  validFrom: IsoDate,
  validTo: Type.Union([IsoDate, Type.Null()], { description: 'Inclusive; null means until further notice' }),
  status: literals(['current', 'future', 'ended'] as const),
});

const AgreementBody = Type.Object(
  {
    serviceLine: Type.String({ minLength: 1, maxLength: 16, description: "The service line's code" }),
    validFrom: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, the first day' }),
    validTo: Type.Optional(
      Type.Union([Type.String({ maxLength: 10 }), Type.Null()], {
        description: 'YYYY-MM-DD, the last day; absent or null: until further notice',
      }),
    ),
  },
  { additionalProperties: false },
);

const OrganisationParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const ManagersSchema = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String({ description: 'Empty when the caller may not see the person' }),
      email: Type.String(),
    }),
  ),
});

const TeamsSchema = Type.Object({ data: Type.Array(Type.String(), { description: 'Team names, in order' }) });

function presentAgreement(agreement: AgreementView) {
  return {
    id: agreement.id,
    serviceLine: { code: agreement.serviceLineCode, name: agreement.serviceLineName },
    validFrom: agreement.validFrom,
    validTo: agreement.validTo,
    status: agreement.status,
  };
}

const presentManagers = (people: Person[]) => ({
  data: people.map((p) => ({ id: p.id, name: p.name, email: p.email })),
});

function presentPolicy(policy: SlaPolicy, lineCode: string) {
  return {
    code: policy.code,
    name: policy.name,
    serviceLine: lineCode,
    calendar: policy.calendarCode,
    warningPercent: policy.warningPercent,
    pauseStates: policy.pauseStates,
    targets: policy.targets,
    version: policy.version,
  };
}

function presentResolved(offering: ResolvedOffering) {
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
    slaPolicy: slaPolicy && presentPolicy(slaPolicy, offering.serviceLine.code),
  };
}

export const catalogueApi: FastifyPluginAsyncTypebox<{
  catalogue: CatalogueService;
  calendars: CalendarsService;
  agreements: AgreementsService;
  lineManagers: LineManagersService;
}> = async (app, options) => {
  const { catalogue, calendars, agreements, lineManagers } = options;
  const ctx = callerOf;
  const errors = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
  };
  const lineCodes = async (request: FastifyRequest) =>
    new Map((await catalogue.serviceLines(ctx(request))).map((line) => [line.id, line.code]));
  const presentTariff = (t: Tariff & { organisation: { code: string } | null }) => ({
    id: t.id,
    offering: t.offeringCode,
    organisation: t.organisation?.code ?? null,
    unitPrice: formatPounds(t.pence),
    unitPricePence: t.pence,
    validFrom: t.validFrom,
    validTo: t.validTo,
  });

  // Calendars

  app.get(
    '/calendars',
    {
      schema: {
        summary: 'Working-time calendars the caller may see',
        tags: ['calendars'],
        response: { 200: Type.Object({ data: Type.Array(CalendarSchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ data: (await calendars.list(ctx(request))).map(calendarJson) }),
  );

  app.post(
    '/calendars',
    {
      schema: {
        summary: 'Add a calendar (service managers)',
        tags: ['calendars'],
        body: CalendarBody,
        response: { 201: CalendarSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(calendarJson(await calendars.create(ctx(request), request.body))),
  );

  app.get(
    '/calendars/:code',
    {
      schema: {
        summary: 'One calendar',
        tags: ['calendars'],
        params: CodeParams,
        response: { 200: CalendarSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => calendarJson(await calendars.get(ctx(request), request.params.code)),
  );

  app.put(
    '/calendars/:code',
    {
      schema: {
        summary: 'Replace a calendar (service managers)',
        tags: ['calendars'],
        params: CodeParams,
        body: CalendarBody,
        response: { 200: CalendarSchema, ...errors },
      },
    },
    async (request) => {
      const { code: _code, ...body } = request.body;
      return calendarJson(await calendars.replace(ctx(request), request.params.code, body));
    },
  );

  app.get(
    '/calendars/:code/due',
    {
      schema: {
        summary: 'When an amount of working time, started at an instant, will have elapsed',
        tags: ['calendars'],
        params: CodeParams,
        querystring: Type.Object(
          {
            from: Type.String({ description: 'ISO 8601 instant with a zone, e.g. 2026-03-27T16:00:00Z' }),
            minutes: Type.String({ description: `Whole working minutes from 0 to ${MAX_MINUTES}` }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ due: Type.String({ format: 'date-time' }) }), ...errors },
      },
    },
    async (request) => ({
      due: (
        await calendars.due(ctx(request), request.params.code, request.query.from, request.query.minutes)
      ).toISOString(),
    }),
  );

  app.get(
    '/calendars/:code/working-minutes',
    {
      schema: {
        summary: 'Working minutes between two instants',
        tags: ['calendars'],
        params: CodeParams,
        querystring: Type.Object({ from: Type.String(), to: Type.String() }, { additionalProperties: false }),
        response: { 200: Type.Object({ minutes: Type.Number() }), ...errors },
      },
    },
    async (request) => ({
      minutes: await calendars.workingMinutes(
        ctx(request),
        request.params.code,
        request.query.from,
        request.query.to,
      ),
    }),
  );

  // Offerings, resolved for the caller

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
    async (request) => ({ data: (await catalogue.offeringsFor(ctx(request))).map(presentResolved) }),
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
    async (request) => presentResolved(await catalogue.offeringFor(ctx(request), request.params.code)),
  );

  // Service managers: the standard offering and its variants

  const presentStandard = async (request: FastifyRequest, code: string) => {
    const view = await catalogue.manageOffering(ctx(request), code);
    const o = view.offering;
    return {
      code: o.code,
      serviceLine: o.serviceLineCode,
      name: o.name,
      description: o.description,
      lgslId: o.lgslId,
      unit: o.unit,
      formFields: o.formFields,
      slaPolicy: view.slaPolicy?.code ?? '',
      approvalRequired: o.approvalRequired,
      status: o.status,
      version: o.version,
    };
  };

  app.post(
    '/catalogue/offerings',
    {
      schema: {
        summary: 'Add an offering (service managers of its line)',
        tags: ['catalogue'],
        body: OfferingBody,
        response: { 201: StandardOfferingSchema, ...errors },
      },
    },
    async (request, reply) => {
      const offering = await catalogue.addOffering(ctx(request), request.body);
      return reply.status(201).send(await presentStandard(request, offering.code));
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
    async (request) => presentStandard(request, request.params.code),
  );

  app.put(
    '/catalogue/offerings/:code',
    {
      schema: {
        summary: 'Change an offering (service managers of its line)',
        description: 'The change flows to every variant except where the variant overrides it.',
        tags: ['catalogue'],
        params: CodeParams,
        body: OfferingBody,
        response: { 200: StandardOfferingSchema, ...errors },
      },
    },
    async (request) => {
      const offering = await catalogue.changeOffering(ctx(request), request.params.code, request.body);
      return presentStandard(request, offering.code);
    },
  );

  const presentVariant = (view: Awaited<ReturnType<CatalogueService['variantFor']>>) => ({
    offering: view.offering.code,
    organisation: { code: view.partner.code, name: view.partner.name },
    overrides: view.variant && {
      name: view.variant.name,
      description: view.variant.description,
      hidden: view.variant.hidden,
      extraFields: view.variant.extraFields,
      slaPolicy: view.policies.find((p) => p.id === view.variant!.slaPolicyId)?.code ?? null,
      version: view.variant.version,
    },
    differences: view.differences,
    resolved: presentResolved(view.resolved),
  });

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
      const view = await catalogue.manageOffering(ctx(request), request.params.code);
      return {
        data: view.partners.map((p) => ({
          offering: view.offering.code,
          organisation: { code: p.code, name: p.name },
          overrides: p.variant && {
            name: p.variant.name,
            description: p.variant.description,
            hidden: p.variant.hidden,
            extraFields: p.variant.extraFields,
            slaPolicy: p.variant.slaPolicyId ? (p.resolved.slaPolicy?.code ?? null) : null,
            version: p.variant.version,
          },
          differences: p.differences,
          resolved: presentResolved(p.resolved),
        })),
      };
    },
  );

  app.get(
    '/catalogue/offerings/:code/variants/:organisation',
    {
      schema: {
        summary: "One partner's variant",
        tags: ['catalogue'],
        params: Type.Object({
          code: Type.String({ maxLength: 64 }),
          organisation: Type.String({ maxLength: 16 }),
        }),
        response: { 200: VariantSchema, ...errors },
      },
    },
    async (request) =>
      presentVariant(
        await catalogue.variantFor(ctx(request), request.params.code, request.params.organisation),
      ),
  );

  app.put(
    '/catalogue/offerings/:code/variants/:organisation',
    {
      schema: {
        summary: "Set a partner's variant (service managers of the line)",
        description: 'Absent or null fields inherit from the standard offering.',
        tags: ['catalogue'],
        params: Type.Object({
          code: Type.String({ maxLength: 64 }),
          organisation: Type.String({ maxLength: 16 }),
        }),
        body: VariantBody,
        response: { 200: VariantSchema, ...errors },
      },
    },
    async (request) => {
      await catalogue.saveVariant(
        ctx(request),
        request.params.code,
        request.params.organisation,
        request.body,
      );
      return presentVariant(
        await catalogue.variantFor(ctx(request), request.params.code, request.params.organisation),
      );
    },
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
    async (request) => {
      const { rows } = await catalogue.divergence(ctx(request));
      return {
        data: rows.map((row) => ({
          offering: row.offering.code,
          organisation: row.partner.code,
          differences: row.differences,
        })),
      };
    },
  );

  // Tariffs

  app.get(
    '/catalogue/tariffs',
    {
      schema: {
        summary: 'Every price of the lines the caller maintains, past and future',
        tags: ['catalogue'],
        response: {
          200: Type.Object({ data: Type.Array(TariffSchema) }),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({ data: (await catalogue.tariffs(ctx(request))).map(presentTariff) }),
  );

  app.post(
    '/catalogue/tariffs',
    {
      schema: {
        summary: 'Add a price (service managers of the line)',
        description: 'Prices of one offering for one organisation may not overlap in time.',
        tags: ['catalogue'],
        body: TariffBody,
        response: { 201: TariffSchema, ...errors },
      },
    },
    async (request, reply) => {
      const tariff = await catalogue.addTariff(ctx(request), request.body);
      return reply.status(201).send(
        presentTariff({
          ...tariff,
          organisation: request.body.organisation ? { code: request.body.organisation.toUpperCase() } : null,
        }),
      );
    },
  );

  app.patch(
    '/catalogue/tariffs/:id',
    {
      schema: {
        summary: 'End a price on a date (it stays as history)',
        tags: ['catalogue'],
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ validTo: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
        response: { 200: TariffSchema, ...errors },
      },
    },
    async (request) => {
      const tariff = await catalogue.endTariff(ctx(request), request.params.id, request.body.validTo);
      const all = await catalogue.tariffs(ctx(request));
      return presentTariff(all.find((t) => t.id === tariff.id) ?? { ...tariff, organisation: null });
    },
  );

  app.post(
    '/catalogue/tariffs/import',
    {
      schema: {
        summary: 'Import prices from CSV: all rows or none',
        description:
          'CSV with the header offering,organisation,unit_price,valid_from,valid_to. A wrong row rejects the file with ERR_IMPORT_REJECTED and `details.rows` ([{line, field, message}]).',
        tags: ['catalogue'],
        body: Type.Object({ csv: Type.String({ maxLength: 5_000_000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ added: Type.Integer() }), ...errors },
      },
    },
    async (request) => catalogue.importTariffs(ctx(request), request.body.csv),
  );

  // SLA policies

  app.get(
    '/catalogue/sla-policies',
    {
      schema: {
        summary: 'SLA policies the caller may see',
        tags: ['catalogue'],
        response: { 200: Type.Object({ data: Type.Array(SlaPolicySchema) }), 401: ErrorResponse },
      },
    },
    async (request) => {
      const lines = await lineCodes(request);
      return {
        data: (await catalogue.slaPolicies(ctx(request))).map((p) =>
          presentPolicy(p, lines.get(p.serviceLineId) ?? ''),
        ),
      };
    },
  );

  app.get(
    '/catalogue/sla-policies/:code',
    {
      schema: {
        summary: 'One SLA policy',
        tags: ['catalogue'],
        params: CodeParams,
        response: { 200: SlaPolicySchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const policy = await catalogue.slaPolicy(ctx(request), request.params.code);
      return presentPolicy(policy, policy.serviceLineCode);
    },
  );

  app.post(
    '/catalogue/sla-policies',
    {
      schema: {
        summary: 'Add an SLA policy (service managers of the line)',
        tags: ['catalogue'],
        body: SlaPolicyBody,
        response: { 201: SlaPolicySchema, ...errors },
      },
    },
    async (request, reply) => {
      const policy = await catalogue.saveSlaPolicy(ctx(request), request.body);
      return reply.status(201).send(presentPolicy(policy, request.body.serviceLine.toUpperCase()));
    },
  );

  app.put(
    '/catalogue/sla-policies/:code',
    {
      schema: {
        summary: 'Change an SLA policy (service managers of the line)',
        tags: ['catalogue'],
        params: CodeParams,
        body: SlaPolicyBody,
        response: { 200: SlaPolicySchema, ...errors },
      },
    },
    async (request) => {
      const policy = await catalogue.saveSlaPolicy(ctx(request), request.body, request.params.code);
      return presentPolicy(policy, request.body.serviceLine.toUpperCase());
    },
  );

  app.get(
    '/catalogue/service-lines',
    {
      schema: {
        summary: 'Service lines the caller sees, with their teams',
        tags: ['catalogue'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                code: Type.String(),
                name: Type.String(),
                teams: Type.Array(Type.String()),
                managed: Type.Boolean(),
              }),
            ),
          }),
          401: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await catalogue.serviceLines(ctx(request))).map((l) => ({
        code: l.code,
        name: l.name,
        teams: l.teams,
        managed: l.managed,
      })),
    }),
  );

  app.post(
    '/catalogue/service-lines',
    {
      schema: {
        summary: 'Add a service line (service managers of the host); the caller maintains it',
        tags: ['catalogue'],
        body: Type.Object(
          {
            code: Type.String({ maxLength: 16 }),
            name: Type.String({ maxLength: 200 }),
            teams: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            code: Type.String(),
            name: Type.String(),
            teams: Type.Array(Type.String()),
            managed: Type.Boolean(),
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const line = await catalogue.addServiceLine(ctx(request), request.body);
      return reply.status(201).send({ code: line.code, name: line.name, teams: line.teams, managed: true });
    },
  );

  // Service line managers

  app.get(
    '/catalogue/service-lines/:code/managers',
    {
      schema: {
        summary: "Who manages a service line (the host's staff and platform administrators)",
        tags: ['catalogue'],
        params: CodeParams,
        response: { 200: ManagersSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentManagers((await lineManagers.view(ctx(request), request.params.code)).managers),
  );

  app.post(
    '/catalogue/service-lines/:code/managers',
    {
      schema: {
        summary: "Add a manager to a service line (platform administrators and the line's managers)",
        description:
          'Only a service manager of the host may be added (ERR_NOT_A_SERVICE_MANAGER otherwise). Answers with every manager.',
        tags: ['catalogue'],
        params: CodeParams,
        body: Type.Object(
          { email: Type.String({ minLength: 1, maxLength: 320, description: "The person's email address" }) },
          { additionalProperties: false },
        ),
        response: { 201: ManagersSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentManagers(await lineManagers.add(ctx(request), request.params.code, request.body))),
  );

  app.delete(
    '/catalogue/service-lines/:code/managers/:userId',
    {
      schema: {
        summary: "Take a manager off a service line (platform administrators and the line's managers)",
        description: 'The last manager stays (ERR_LAST_MANAGER). Answers with the managers left.',
        tags: ['catalogue'],
        params: Type.Object({ code: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) }),
        response: { 200: ManagersSchema, ...errors },
      },
    },
    async (request) =>
      presentManagers(await lineManagers.remove(ctx(request), request.params.code, request.params.userId)),
  );

  // Service line teams

  app.post(
    '/catalogue/service-lines/:code/teams',
    {
      schema: {
        summary: "Add a team to a service line (platform administrators and the line's managers)",
        description:
          'Team names are unique within a line whatever their case (ERR_TEAM_NAME_TAKEN otherwise). Answers with every team.',
        tags: ['catalogue'],
        params: CodeParams,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200, description: "The team's name" }) },
          { additionalProperties: false },
        ),
        response: { 201: TeamsSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send({ data: await lineManagers.addTeam(ctx(request), request.params.code, request.body) }),
  );

  app.delete(
    '/catalogue/service-lines/:code/teams/:name',
    {
      schema: {
        summary: "Take a team off a service line (platform administrators and the line's managers)",
        description: 'The name must match exactly (ERR_NOT_FOUND otherwise).',
        tags: ['catalogue'],
        params: Type.Object({ code: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 200 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await lineManagers.removeTeam(ctx(request), request.params.code, request.params.name);
      return reply.status(204).send(null);
    },
  );

  // Agreements: which service lines a partner takes (platform administrators)

  app.get(
    '/organisations/:id/service-lines',
    {
      schema: {
        summary:
          'The service lines an organisation takes, past, present and future (platform administrators)',
        tags: ['agreements'],
        params: OrganisationParams,
        response: {
          200: Type.Object({ data: Type.Array(AgreementSchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await agreements.list(ctx(request), request.params.id)).agreements.map(presentAgreement),
    }),
  );

  app.post(
    '/organisations/:id/service-lines',
    {
      schema: {
        summary: 'Record that a partner takes a service line, from and to dates (platform administrators)',
        description:
          'Agreements of one partner for one line may not overlap in time (ERR_AGREEMENT_OVERLAP). Staff of the partner see the offerings of the lines it takes today.',
        tags: ['agreements'],
        params: OrganisationParams,
        body: AgreementBody,
        response: { 201: AgreementSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(presentAgreement(await agreements.add(ctx(request), request.params.id, request.body))),
  );

  app.patch(
    '/organisations/:id/service-lines/:agreementId',
    {
      schema: {
        summary: 'End an agreement on a date, its last day (platform administrators)',
        description: 'An end date can only move earlier; the agreement stays as history.',
        tags: ['agreements'],
        params: Type.Object({
          id: Type.String({ maxLength: 64 }),
          agreementId: Type.String({ maxLength: 64 }),
        }),
        body: Type.Object(
          { validTo: Type.String({ maxLength: 10, description: 'YYYY-MM-DD' }) },
          { additionalProperties: false },
        ),
        response: { 200: AgreementSchema, ...errors },
      },
    },
    async (request) =>
      presentAgreement(
        await agreements.end(
          ctx(request),
          request.params.id,
          request.params.agreementId,
          request.body.validTo,
        ),
      ),
  );
};
