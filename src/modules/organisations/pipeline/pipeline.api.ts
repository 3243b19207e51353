import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, filled, inputValidator } from '../../../platform/api/index.js';
import type { PipelineService } from './pipeline.service.js';
import type { Prospect, StageMove } from './pipeline.repository.js';
import { MoveBody, MoveSchema, ProspectBody, ProspectParams, ProspectSchema } from './pipeline.schemas.js';

function present(prospect: Prospect) {
  return {
    id: prospect.id,
    name: prospect.name,
    kind: prospect.kind,
    stage: prospect.stage,
    stageSince: prospect.stageSince,
    organisation: prospect.organisation && {
      code: prospect.organisation.code,
      name: prospect.organisation.name,
    },
    owner: prospect.owner && { name: prospect.owner.name, email: prospect.owner.email },
    nextStep: prospect.nextStep,
    nextStepDue: prospect.nextStepDue,
    notes: prospect.notes,
    version: prospect.version,
  };
}

const presentMove = (move: StageMove) => ({
  from: move.from,
  to: move.to,
  movedOn: move.movedOn,
  note: move.note,
  by: move.byName,
});

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};
const TAGS = ['partnership'];
const IfMatch = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The version last read, as "3"; a stale one answers ERR_STALE' }),
  ),
});
const versionOf = (header: string | undefined) => {
  const digits = header?.replace(/^W\//, '').replace(/"/g, '');
  return digits && /^\d+$/.test(digits) ? Number(digits) : undefined;
};

/** The host's pipeline of partners. */
export const pipelineApi: FastifyPluginAsyncTypebox<{ pipeline: PipelineService }> = async (
  app,
  { pipeline },
) => {
  app.setValidatorCompiler(inputValidator);

  app.get(
    '/partnership/prospects',
    {
      schema: {
        summary:
          'The host’s partnership pipeline (its executives, platform administrators, finance officers and service managers)',
        tags: TAGS,
        response: {
          200: Type.Object({ data: Type.Array(ProspectSchema) }),
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({ data: (await pipeline.list(callerOf(request))).prospects.map(present) }),
  );

  app.get(
    '/partnership/prospects/:id',
    {
      schema: {
        summary: 'One entry of the pipeline, with its history of moves, newest first',
        tags: TAGS,
        params: ProspectParams,
        response: {
          200: Type.Intersect([ProspectSchema, Type.Object({ history: Type.Array(MoveSchema) })]),
          401: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { prospect, moves } = await pipeline.get(callerOf(request), request.params.id);
      return { ...present(prospect), history: moves.map(presentMove) };
    },
  );

  app.post(
    '/partnership/prospects',
    {
      schema: {
        summary: 'Add a body to the pipeline, as a prospect (executives and platform administrators)',
        tags: TAGS,
        body: ProspectBody,
        response: { 201: ProspectSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await pipeline.add(callerOf(request), filled(request.body)))),
  );

  app.put(
    '/partnership/prospects/:id',
    {
      schema: {
        summary: 'Change an entry’s details (not its stage: see moves)',
        tags: TAGS,
        params: ProspectParams,
        headers: IfMatch,
        body: ProspectBody,
        response: { 200: ProspectSchema, ...errors },
      },
    },
    async (request) =>
      present(
        await pipeline.change(
          callerOf(request),
          request.params.id,
          filled(request.body),
          versionOf(request.headers['if-match']),
        ),
      ),
  );

  app.post(
    '/partnership/prospects/:id/moves',
    {
      schema: {
        summary: 'Move an entry to another stage',
        description:
          'One step at a time (ERR_STAGE_NOT_ALLOWED); onboarding needs its registered organisation (ERR_STAGE_NEEDS_ORGANISATION); live needs a signed version of its agreement (ERR_STAGE_NEEDS_AGREEMENT).',
        tags: TAGS,
        params: ProspectParams,
        headers: IfMatch,
        body: MoveBody,
        response: { 200: ProspectSchema, ...errors },
      },
    },
    async (request) =>
      present(
        await pipeline.move(
          callerOf(request),
          request.params.id,
          filled(request.body),
          versionOf(request.headers['if-match']),
        ),
      ),
  );
};
