import type { Principal } from '../../platform/auth/index.js';
import type { Database, Tx } from '../../platform/db/index.js';
import type { RequestCatalogue } from './catalogue-port.js';

/**
 * Files given as answers to `file` questions. Attachments are stored by their own slice; until one
 * is plugged in, file questions take no answers and are not required.
 */
export interface AttachmentHook {
  /** The message key of what is wrong with these ids for this question (not the caller's uploads, used already…), if anything. */
  check(tx: Tx, principal: Principal, fieldKey: string, ids: readonly string[]): Promise<string | undefined>;
  /** Ties the files to the new request, in the unit of work that raises it. */
  attach(
    tx: Tx,
    request: { id: string; orgId: string; hostOrgId: string },
    fieldKey: string,
    ids: readonly string[],
  ): Promise<void>;
}

export interface RequestsOptions {
  /** What time it is (the platform clock, which honours TANDEM_NOW); the real clock by default. */
  now?: () => Date;
  /** Working days, on the request's SLA calendar, in which a resolved request may be reopened (5). */
  reopenWorkingDays?: number;
  /** The catalogue as requests need it; SQL over the catalogue's tables by default. */
  catalogue?: RequestCatalogue;
  attachments?: AttachmentHook;
}

/** What every use case of the module is built on. */
export interface RequestsDeps {
  db: Database;
  now: () => Date;
  reopenWorkingDays: number;
  catalogue: RequestCatalogue;
  attachments: AttachmentHook | undefined;
}
