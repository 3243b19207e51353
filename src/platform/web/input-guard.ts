import fp from 'fastify-plugin';
import { DomainError } from '../errors.js';
import { firstForbiddenText } from '../text.js';

/**
 * Refuses, for every route at once, text that no field accepts (see `platform/text.ts`): in the
 * path's parameters, the query string and the body. Runs before any schema or handler, so a NUL
 * byte or a lone surrogate never reaches a query.
 */
export const inputGuard = fp(async (app) => {
  app.addHook('preValidation', async (request) => {
    const where =
      firstForbiddenText(request.params, 'params') ??
      firstForbiddenText(request.query, 'query') ??
      firstForbiddenText(request.body, 'body');
    if (!where) return;
    const field = where.replace(/^(params|query|body)\.?/, '') || where;
    throw new DomainError('ERR_VALIDATION', `${field} contains characters that are not allowed`, {
      fields: { [field]: 'contains characters that are not allowed' },
    });
  });
});
