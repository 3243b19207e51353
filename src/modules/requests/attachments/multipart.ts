import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../../platform/errors.js';
import type { AttachmentSettings } from './settings.js';

/** A file as a multipart request gave it: read whole, within the size limit; nothing checked yet. */
export interface UploadedFile {
  /** The form field it came in. */
  field: string;
  /** The name the browser or client gave (cleaned later; never used as a path). */
  fileName: string;
  /** The type the client declared: only ever compared with what the content is. */
  declaredType: string;
  bytes: Buffer;
}

/** A multipart form: its text fields (repeated names as arrays) and its files. */
export interface MultipartForm {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
}

const FIELD_LIMIT = 100_000;

/**
 * Lets the routes of one plugin take `multipart/form-data` (register it inside that plugin, never
 * at the root, so that no other route starts taking multipart bodies). Files are limited to the
 * configured size; more than that answers 413 ERR_BODY_TOO_LARGE.
 */
export async function acceptMultipart(app: FastifyInstance, settings: AttachmentSettings): Promise<void> {
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: true,
    limits: {
      fileSize: settings.maxBytes,
      files: settings.maxFiles,
      fields: 200,
      fieldSize: FIELD_LIMIT,
      parts: settings.maxFiles + 200,
    },
  });
}

function multipartFailure(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const { code, statusCode } = error as { code?: string; statusCode?: number };
  if (statusCode === 413 || code === 'FST_REQ_FILE_TOO_LARGE')
    return new DomainError(
      'ERR_BODY_TOO_LARGE',
      code === 'FST_FILES_LIMIT'
        ? 'Too many files at once'
        : code === 'FST_REQ_FILE_TOO_LARGE'
          ? 'A file is larger than the service accepts'
          : 'The form is larger than the service accepts',
      { fields: { file: 'attachments.errors.tooLarge' } },
    );
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the files as multipart/form-data');
  if (code === 'FST_PROTO_VIOLATION')
    return new DomainError('ERR_VALIDATION', 'A field name is not allowed', {
      fields: { form: 'is not valid' },
    });
  return new DomainError('ERR_BAD_REQUEST', 'The form could not be read; send it again');
}

/**
 * Reads a multipart request's fields and files whole, within the limits `acceptMultipart` set. A
 * file input left empty by a browser (no name, no bytes) is skipped. For the routes that take files:
 * the JSON API's uploads and the pages' forms (see `multipartFormBody`).
 */
export async function readMultipart(request: FastifyRequest): Promise<MultipartForm> {
  if (!request.isMultipart())
    throw new DomainError('ERR_UNSUPPORTED_MEDIA_TYPE', 'Send the files as multipart/form-data');
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const bytes = await part.toBuffer();
        if (!part.filename && bytes.length === 0) continue;
        files.push({ field: part.fieldname, fileName: part.filename, declaredType: part.mimetype, bytes });
      } else {
        if (part.valueTruncated) throw Object.assign(new Error('field too long'), { statusCode: 413 });
        const value = String(part.value);
        const before = fields[part.fieldname];
        fields[part.fieldname] =
          before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
      }
    }
  } catch (error) {
    throw multipartFailure(error);
  }
  return { fields, files };
}

const formFiles = new WeakMap<FastifyRequest, UploadedFile[]>();

/**
 * For a page whose form sends files (`enctype="multipart/form-data"`): a `preValidation` hook that
 * reads the form, so that the text fields become `request.body` (the CSRF check and `formBody` read
 * them there, as for any form) and the files wait for the handler in `uploadedFiles(request)`.
 *
 *     app.post('/requests/new', { preValidation: multipartFormBody }, async (request, reply) => {
 *       const files = uploadedFiles(request); // then attachments.stage(caller, files) …
 */
export async function multipartFormBody(request: FastifyRequest): Promise<void> {
  const form = await readMultipart(request);
  for (const [name, value] of Object.entries(form.fields)) {
    const values = Array.isArray(value) ? value : [value];
    // The platform's guard on text no field takes runs before this hook reads the body.
    if (values.some((text) => text.includes('\u0000')))
      throw new DomainError('ERR_VALIDATION', `${name} contains characters that are not allowed`, {
        fields: { [name]: 'contains characters that are not allowed' },
      });
  }
  request.body = form.fields;
  formFiles.set(request, form.files);
}

/** The files a `multipartFormBody` form sent (none if it sent none). */
export function uploadedFiles(request: FastifyRequest): UploadedFile[] {
  return formFiles.get(request) ?? [];
}
