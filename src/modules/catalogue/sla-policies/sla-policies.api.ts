import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled } from '../../../platform/api/index.js';
import { CodeParams } from '../catalogue.schemas.js';
import type { SlaPolicy } from './sla-policies.repository.js';
import type { SlaPoliciesService } from './sla-policies.service.js';
import { SlaPolicyBody, SlaPolicySchema } from './sla-policies.schemas.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

export function presentPolicy(policy: SlaPolicy) {
  return {
    code: policy.code,
    name: policy.name,
    serviceLine: policy.serviceLineCode,
    calendar: policy.calendarCode,
    warningPercent: policy.warningPercent,
    pauseStates: policy.pauseStates,
    targets: policy.targets,
    version: policy.version,
  };
}

export const slaPoliciesApi: FastifyPluginAsyncTypebox<{ slaPolicies: SlaPoliciesService }> = async (
  app,
  options,
) => {
  const { slaPolicies } = options;

  app.get(
    '/catalogue/sla-policies',
    {
      schema: {
        summary: 'SLA policies the caller may see',
        tags: ['catalogue'],
        response: { 200: Type.Object({ data: Type.Array(SlaPolicySchema) }), 401: ErrorResponse },
      },
    },
    async (request) => ({ data: (await slaPolicies.list(callerOf(request))).policies.map(presentPolicy) }),
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
    async (request) => presentPolicy(await slaPolicies.get(callerOf(request), request.params.code)),
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
    async (request, reply) =>
      reply.status(201).send(presentPolicy(await slaPolicies.add(callerOf(request), filled(request.body)))),
  );

  app.put(
    '/catalogue/sla-policies/:code',
    {
      schema: {
        summary: 'Change an SLA policy (service managers of the line)',
        description: 'The code in the path names the policy; a policy stays in its service line.',
        tags: ['catalogue'],
        params: CodeParams,
        body: SlaPolicyBody,
        response: { 200: SlaPolicySchema, ...errors },
      },
    },
    async (request) =>
      presentPolicy(await slaPolicies.change(callerOf(request), request.params.code, filled(request.body))),
  );
};
