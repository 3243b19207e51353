import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse } from '../../../platform/api/index.js';
import type { WhatIfService } from './what-if.service.js';
import { presentModel, presentScenario } from './what-if.present.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

const Pounds = Type.String({ description: 'Pounds and pence: "1234.56"' });
const WholeUnits = Type.Union([Type.Integer({ minimum: 0 }), Type.String()], { description: 'Whole units' });

const ModelBody = Type.Object(
  {
    unit: Type.String({ maxLength: 60, description: 'What the volume counts, such as payslips' }),
    offering: Type.Optional(
      Type.Union([Type.String(), Type.Null()], {
        description: 'The offering whose usage measures volume; null or absent: all the line’s usage',
      }),
    ),
    fixedCost: Type.String({ description: 'Annual fixed cost in pounds' }),
    variableCost: Type.String({ description: 'Cost of each unit in pounds' }),
    steps: Type.Optional(
      Type.Array(
        Type.Object(
          {
            fromVolume: WholeUnits,
            addedFixedCost: Type.String({ description: 'Pounds added to the fixed cost' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 20,
          description: 'Capacity steps, ascending: from that total volume the fixed cost rises',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

const ModelSchema = Type.Object({
  unit: Type.String(),
  offering: Type.Union([Type.String(), Type.Null()]),
  fixedCost: Pounds,
  variableCost: Pounds,
  steps: Type.Array(Type.Object({ fromVolume: Type.Integer(), addedFixedCost: Pounds })),
});

const ScenarioBody = Type.Object(
  {
    serviceLine: Type.String({ examples: ['HR'] }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    prospect: Type.String({ maxLength: 200, description: 'Who might join' }),
    prospectVolume: WholeUnits,
    volumes: Type.Optional(
      Type.Array(
        Type.Object({ organisation: Type.String(), volume: WholeUnits }, { additionalProperties: false }),
        {
          description: 'Existing partners’ annual volumes, where not their usage over the last 12 months',
        },
      ),
    ),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

const LineCost = Type.Object({
  volume: Type.Integer(),
  totalCost: Pounds,
  unitCost: Type.Union([Type.String(), Type.Null()], { description: 'Pounds per unit to four places' }),
  steps: Type.Integer(),
});

const ScenarioSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  serviceLine: Type.String(),
  name: Type.String(),
  prospect: Type.String(),
  prospectVolume: Type.Integer(),
  notes: Type.String(),
  model: ModelSchema,
  before: LineCost,
  after: LineCost,
  stepsCrossed: Type.Integer(),
  partners: Type.Array(
    Type.Object({
      organisation: Type.String(),
      name: Type.String(),
      volume: Type.Integer(),
      volumeSource: Type.String({ enum: ['usage', 'entered'] }),
      before: Type.Union([Pounds, Type.Null()]),
      after: Pounds,
      saving: Type.Union([Pounds, Type.Null()]),
    }),
  ),
  prospectCharge: Pounds,
  createdAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const whatIfApi: FastifyPluginAsyncTypebox<{ whatIf: WhatIfService }> = async (app, { whatIf }) => {
  app.get(
    '/cost-models',
    {
      schema: {
        summary:
          'The host’s service lines with their cost models (executives, finance officers, service managers)',
        tags: ['planning'],
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                serviceLine: Type.String(),
                name: Type.String(),
                model: Type.Union([ModelSchema, Type.Null()]),
              }),
            ),
          }),
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({
      data: (await whatIf.lines(callerOf(request))).map((line) => ({
        serviceLine: line.code,
        name: line.name,
        model: line.model && presentModel(line.model),
      })),
    }),
  );

  app.put(
    '/cost-models/:serviceLine',
    {
      schema: {
        summary: 'Set a service line’s cost model (executives and finance officers)',
        tags: ['planning'],
        params: Type.Object({ serviceLine: Type.String() }),
        body: ModelBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await whatIf.setModel(callerOf(request), request.params.serviceLine, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/what-if-scenarios/preview',
    {
      schema: {
        summary: 'The figures of a what-if scenario, not saved',
        description:
          'Each existing partner’s estimated annual charge before and after the prospect joins, the saving each ' +
          'gains and the unit cost for everyone. Charges share the line’s cost by volume, to the penny.',
        tags: ['planning'],
        body: ScenarioBody,
        response: { 200: ScenarioSchema, ...errors },
      },
    },
    async (request) => presentScenario(await whatIf.preview(callerOf(request), request.body)),
  );

  app.post(
    '/what-if-scenarios',
    {
      schema: {
        summary: 'Save a what-if scenario (executives and finance officers)',
        description: 'Kept with the cost model and volumes as they are now, so that it reads the same later.',
        tags: ['planning'],
        body: ScenarioBody,
        response: { 201: ScenarioSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const id = await whatIf.save(caller, request.body);
      const [saved] = await whatIf.get(caller, [id]);
      return reply.status(201).send(presentScenario(saved!));
    },
  );

  app.get(
    '/what-if-scenarios',
    {
      schema: {
        summary: 'Saved what-if scenarios, newest first (never shown to partners)',
        tags: ['planning'],
        response: {
          200: Type.Object({ data: Type.Array(ScenarioSchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({ data: (await whatIf.list(callerOf(request))).map(presentScenario) }),
  );

  app.get(
    '/what-if-scenarios/:id',
    {
      schema: {
        summary: 'One saved what-if scenario',
        tags: ['planning'],
        params: Type.Object({ id: Type.String() }),
        response: { 200: ScenarioSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentScenario((await whatIf.get(callerOf(request), [request.params.id]))[0]!),
  );

  app.delete(
    '/what-if-scenarios/:id',
    {
      schema: {
        summary: 'Remove a saved scenario (executives and finance officers)',
        tags: ['planning'],
        params: Type.Object({ id: Type.String() }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await whatIf.remove(callerOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
