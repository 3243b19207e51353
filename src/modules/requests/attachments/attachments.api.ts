import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { callerOf } from '../../../platform/web/index.js';
import { ErrorResponse, Uuid } from '../../../platform/api/index.js';
import { REFERENCE } from '../requests.schemas.js';
import { expectedVersion, withETag } from '../api/headers.js';
import type { Attachment, AttachmentsService } from './attachments.service.js';
import { acceptMultipart, readMultipart } from './multipart.js';
import type { AttachmentSettings } from './settings.js';

export interface AttachmentsApiOptions {
  attachments: AttachmentsService;
  settings: AttachmentSettings;
}

export const AttachmentJson = Type.Object({
  id: Uuid,
  fileName: Type.String(),
  mediaType: Type.String({
    description: 'Told from the content, not from the name or the type the client sent',
  }),
  sizeBytes: Type.Integer(),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  fieldKey: Type.Union([Type.String(), Type.Null()], { description: 'The form question it answers, if any' }),
  uploadedAt: Type.String({ format: 'date-time' }),
});
const AttachmentsJson = Type.Object({ attachments: Type.Array(AttachmentJson) });

const ReferenceParams = Type.Object({
  reference: Type.String({ pattern: REFERENCE, description: 'The request’s reference (WDC-000123) or id' }),
});
const FileParams = Type.Object({ ...ReferenceParams.properties, id: Uuid });
const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  415: ErrorResponse,
};

const json = (attachment: Attachment) => ({ ...attachment, uploadedAt: attachment.uploadedAt.toISOString() });

const TEXT = /^text\//;

/**
 * Sends a stored file for download only: `Content-Disposition: attachment` (never shown inline), the
 * type told from its content when it was stored, `nosniff`, and a policy that lets it run nothing.
 */
export function sendAttachment(
  reply: FastifyReply,
  { attachment, content }: Awaited<ReturnType<AttachmentsService['open']>>,
): FastifyReply {
  const ascii = attachment.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header(
      'content-type',
      TEXT.test(attachment.mediaType) ? `${attachment.mediaType}; charset=utf-8` : attachment.mediaType,
    )
    .header('content-length', attachment.sizeBytes)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(content);
}

const MULTIPART =
  'Send `multipart/form-data` with one or more parts named `file`. Each file is at most the configured size (413 ERR_BODY_TOO_LARGE) ' +
  'and of a kind taken here, told from its content: PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, CSV or plain UTF-8 text unless configured otherwise ' +
  '(415 ERR_ATTACHMENT_TYPE; a name that claims another kind than the content, 415 ERR_ATTACHMENT_DISGUISED).';

/** Attachments in the JSON API: uploads before raising, files of a request, and their download. */
export const attachmentsApi: FastifyPluginAsyncTypebox<AttachmentsApiOptions> = async (
  app,
  { attachments, settings },
) => {
  await acceptMultipart(app, settings);

  app.post(
    '/attachments',
    {
      schema: {
        summary: 'Upload files to answer a form’s file questions, before raising the request',
        description: `${MULTIPART} Name the ids in the answers of \`POST /requests\`; only the uploader can use them, and unused ones are removed after a day.`,
        tags: ['requests'],
        consumes: ['multipart/form-data'],
        response: { 201: AttachmentsJson, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { files } = await readMultipart(request);
      const stored = await attachments.stage(caller, files);
      return reply.status(201).send({ attachments: stored.map(json) });
    },
  );

  app.post(
    '/requests/:reference/attachments',
    {
      schema: {
        summary: 'Attach files to a request',
        description: `${MULTIPART} The requester’s side or the service centre; shown on the timeline. With If-Match, a request changed since is refused (409 ERR_STALE). The ETag is the request’s new version.`,
        tags: ['requests'],
        consumes: ['multipart/form-data'],
        params: ReferenceParams,
        response: { 201: AttachmentsJson, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { files } = await readMultipart(request);
      const added = await attachments.add(caller, request.params.reference, files, {
        expectedVersion: expectedVersion(request),
      });
      return withETag(reply, added.version)
        .status(201)
        .send({ attachments: added.attachments.map(json) });
    },
  );

  app.get(
    '/requests/:reference/attachments',
    {
      schema: {
        summary: 'The files of a request',
        description: 'Another organisation’s request is not found (404), as one that does not exist.',
        tags: ['requests'],
        params: ReferenceParams,
        response: {
          200: AttachmentsJson,
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => ({
      attachments: (await attachments.list(callerOf(request), request.params.reference)).map(json),
    }),
  );

  app.get(
    '/requests/:reference/attachments/:id',
    {
      schema: {
        summary: 'Download a file of a request',
        description:
          'The bytes, as an attachment with the type told from the content when stored, and `X-Content-Type-Options: nosniff`. A file of a request the caller cannot see is not found (404).',
        tags: ['requests'],
        params: FileParams,
        produces: ['application/octet-stream'],
        response: { 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) =>
      sendAttachment(
        reply,
        await attachments.open(callerOf(request), request.params.reference, request.params.id),
      ),
  );
};
