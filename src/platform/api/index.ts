import { Type } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import fastifySwagger from '@fastify/swagger';
import { Ajv, type ValidateFunction } from 'ajv';
import fastJsonStringify from 'fast-json-stringify';
import addFormats from 'ajv-formats';

export const Uuid = Type.String({ format: 'uuid' });

/** Every error the API gives has this one shape, with a stable code that clients may switch on. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^ERR_[A-Z0-9_]+$', description: 'Stable error code' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: undefined },
);

function ajv(options: { coerceTypes: boolean }) {
  // Unknown fields are errors, never dropped in silence; bodies are never type-coerced ("5" is not 5).
  const instance = new Ajv({
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: options.coerceTypes,
    strict: false,
  });
  (addFormats as unknown as (ajv: Ajv) => void)(instance);
  return instance;
}

/** Request validation for the API, and the OpenAPI 3.1 document built from the same route schemas. */
export const apiPlatform = fp<{ version: string }>(async (app, options) => {
  const bodies = ajv({ coerceTypes: false });
  const strings = ajv({ coerceTypes: true });
  // Validators and serializers are compiled when a route is first used, not all at start-up:
  // compiling every route's schemas up front was a third of the time to the first page.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    let validate: ValidateFunction | undefined;
    const lazy = (data: unknown) => {
      validate ??= (httpPart === 'body' ? bodies : strings).compile(schema);
      const valid = validate(data);
      lazy.errors = validate.errors;
      return valid;
    };
    lazy.errors = null as ValidateFunction['errors'];
    return lazy;
  });
  app.setSerializerCompiler(({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) =>
      (serialize ??= fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]))(data);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        version: options.version,
        description:
          'Shared services for public bodies. Authenticate with a personal API token: `Authorization: Bearer tdm_…`. ' +
          'Errors are `{"error": {"code", "message", "details"}}` with a stable code.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Tandem API token' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    hideUntagged: false,
    // The document describes the API alone: a page route is left out whether or not it says so.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/') ? schema : { ...schema, hide: true },
      url,
    }),
  });
});

export {
  inputOf,
  inputValidator,
  filled,
  says,
  withProblems,
  CAPITALS,
  type Filled,
  type InputReader,
  type Checked,
} from './input.js';
