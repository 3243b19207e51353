import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../../platform/auth/index.js';
import type { Database } from '../../../platform/db/index.js';
import { DomainError } from '../../../platform/errors.js';
import { translate } from '../../../platform/web/index.js';
import type { FormField } from '../catalogue-port.js';
import type { RequestsService } from '../requests.service.js';
import type { AttachmentsService } from '../attachments/attachments.service.js';
import type { AttachmentSettings } from '../attachments/settings.js';

/** An offering as the catalogue shows it to the organisation asking. */
export interface OfferingForPage {
  code: string;
  name: string;
  description: string;
  serviceLine: { code: string; name: string };
  formFields: FormField[];
  approvalRequired: boolean;
}

/** What the pages need of the catalogue: the offerings a caller's organisation may request. */
export interface OfferingsForPages {
  offeringsFor(caller: Caller): Promise<OfferingForPage[]>;
  offeringFor(caller: Caller, code: string): Promise<OfferingForPage>;
}

/** What the requests pages are built on. */
export interface RequestsPagesOptions {
  requests: RequestsService;
  offerings: OfferingsForPages;
  attachments: AttachmentsService;
  attachmentSettings: AttachmentSettings;
  db: Database;
  now?: () => Date;
}

/** The words of the pages, by key under `requests.pages`. */
export const words = (key: string, params?: Record<string, string | number>) =>
  translate(`requests.pages.${key}`, params);

/** A page route's options: hidden from the API's document. */
export const hidden = { schema: { hide: true } } as const;

/** The notice after a change, from `?done=<action>`. */
export function doneNotice(request: FastifyRequest): string | undefined {
  const done = (request.query as Record<string, unknown>).done;
  if (typeof done !== 'string' || !/^[a-z-]{2,20}$/.test(done)) return undefined;
  const text = words(`done.${done}`);
  return text === `requests.pages.done.${done}` ? undefined : text;
}

/** The query's text fields that are not empty, as strings (a GET form sends every field). */
export function queryValues(
  from: FastifyRequest | Record<string, unknown>,
  names: readonly string[],
): Record<string, string> {
  const query = ('raw' in from && 'query' in from ? (from as FastifyRequest).query : from) as Record<
    string,
    unknown
  >;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = query[name];
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  }
  return values;
}

/** The cursors of the pages before this one, kept in the address so "Previous" works without JavaScript. */
export function trailOf(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split('.')
    .filter((cursor) => /^[A-Za-z0-9_-]{1,200}$/.test(cursor))
    .slice(-50);
}

/** "Next" and "Previous" links for a keyset-paged list. */
export function pagination(
  path: string,
  filters: Record<string, string>,
  cursor: string | undefined,
  trail: string[],
  nextCursor: string | null,
) {
  const link = (params: Record<string, string>) => {
    const search = new URLSearchParams({ ...filters, ...params }).toString();
    return search ? `${path}?${search}` : path;
  };
  const previous =
    cursor === undefined
      ? null
      : link({
          ...(trail.length ? { cursor: trail[trail.length - 1]! } : {}),
          ...(trail.length > 1 ? { before: trail.slice(0, -1).join('.') } : {}),
        });
  const next = nextCursor
    ? link({
        cursor: nextCursor,
        ...(cursor !== undefined ? { before: [...trail, cursor].join('.') } : {}),
      })
    : null;
  return previous || next ? { previous, next } : null;
}

/** Sends a page, or rethrows what a page cannot show. */
export function isDomain(error: unknown, ...codes: string[]): error is DomainError {
  return error instanceof DomainError && (codes.length === 0 || codes.includes(error.code));
}

export type Reply = FastifyReply;
