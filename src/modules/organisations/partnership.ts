import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '../../platform/db/index.js';
import { signInFirst } from '../../platform/web/index.js';
import { pipelineService } from './pipeline/pipeline.service.js';
import { pipelineRoutes } from './pipeline/pipeline.routes.js';
import { pipelineApi } from './pipeline/pipeline.api.js';
import { termsService } from './terms/terms.service.js';
import { termsRoutes } from './terms/terms.routes.js';
import { termsApi } from './terms/terms.api.js';

/** The partnership's use cases: the pipeline, and each partner's agreement terms. */
export function partnershipServices(db: Database) {
  return { pipeline: pipelineService(db), terms: termsService(db) };
}

export type PartnershipServices = ReturnType<typeof partnershipServices>;

/** The partnership's pages. */
export async function partnershipRoutes(app: FastifyInstance, options: { partnership: PartnershipServices }) {
  await pipelineRoutes(app, { pipeline: options.partnership.pipeline });
  await termsRoutes(app, { terms: options.partnership.terms });
}

/** The partnership's JSON API. */
export const partnershipApi: FastifyPluginAsyncTypebox<{ partnership: PartnershipServices }> = async (
  app,
  { partnership },
) => {
  signInFirst(app);
  await app.register(pipelineApi, { pipeline: partnership.pipeline });
  await app.register(termsApi, { terms: partnership.terms });
};
