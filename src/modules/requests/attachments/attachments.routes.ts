import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../../platform/web/index.js';
import { isUuid } from '../../../platform/ids.js';
import { notFound } from '../../../platform/errors.js';
import type { AttachmentsService } from './attachments.service.js';
import { sendAttachment } from './attachments.api.js';

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$/;

/** The download of a request's file from its page: signed in, and the same check as the page. */
export async function attachmentsRoutes(app: FastifyInstance, options: { attachments: AttachmentsService }) {
  app.get<{ Params: { reference: string; id: string } }>(
    '/requests/:reference/attachments/:id',
    async (request, reply) => {
      const { reference, id } = request.params;
      if (!REFERENCE.test(reference) || !isUuid(id)) throw notFound('That file');
      return sendAttachment(reply, await options.attachments.open(callerOf(request), reference, id));
    },
  );
}
