import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../../platform/errors.js';

/** The version an `If-Match` header names (`"3"`, `W/"3"` or `3`; `*` matches any), or undefined. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const first = String(header).split(',')[0]!.trim();
  if (first === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(first);
  if (!match) {
    throw new DomainError('ERR_VALIDATION', 'If-Match must be the ETag of the request, as GET gave it', {
      fields: { 'if-match': 'requests.errors.versionInvalid' },
    });
  }
  return Number(match[1]);
}

/** The request's version as its ETag. */
export function withETag(reply: FastifyReply, version: number): FastifyReply {
  return reply.header('etag', `"${version}"`);
}

const KEY = /^[\x21-\x7e]{1,200}$/;

/** The client's `Idempotency-Key`, if given: 1 to 200 printable ASCII characters. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = String(header);
  if (!KEY.test(key)) {
    throw new DomainError('ERR_VALIDATION', 'An Idempotency-Key is 1 to 200 printable characters', {
      fields: { 'idempotency-key': 'requests.errors.idempotencyKey' },
    });
  }
  return key;
}
