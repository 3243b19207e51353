import { Type } from '@fastify/type-provider-typebox';
import { says, Uuid } from '../../../platform/api/index.js';
import { Code, CodeParams, E, Name } from '../catalogue.schemas.js';

export const ServiceLineBody = Type.Object(
  {
    code: Code(16),
    name: Name(),
    teams: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 50,
        default: [],
        ...says(E('teamsInvalid')),
      }),
    ),
  },
  { additionalProperties: false },
);

export const ManagerBody = Type.Object(
  {
    email: Type.String({
      minLength: 1,
      maxLength: 320,
      description: "The person's email address",
      ...says(E('managerMissing'), E('managerNotServiceManager')),
    }),
  },
  { additionalProperties: false },
);

export const TeamBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "The team's name",
      ...says(E('teamMissing'), E('teamTooLong')),
    }),
  },
  { additionalProperties: false },
);

export const LineParams = CodeParams;
export const ManagerParams = Type.Object({ code: CodeParams.properties.code, userId: Uuid });
export const TeamParams = Type.Object({
  code: CodeParams.properties.code,
  name: Type.String({ minLength: 1, maxLength: 200 }),
});

export const LineSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  teams: Type.Array(Type.String()),
  managed: Type.Boolean(),
});

export const ManagersSchema = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String({ description: 'Empty when the caller may not see the person' }),
      email: Type.String(),
    }),
  ),
});

export const TeamsSchema = Type.Object({
  data: Type.Array(Type.String(), { description: 'Team names, in order' }),
});
