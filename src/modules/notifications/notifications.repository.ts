import { mailTx, type OutboxStatus } from '../../platform/mail/index.js';
import type { Tx } from '../../platform/db/index.js';

export interface OutboxEntry {
  id: string;
  status: OutboxStatus;
  to: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Where a page of the outbox starts: the newest, before (older than) a message, or after (newer than) one. */
export type OutboxPosition = { before: string } | { after: string } | Record<string, never>;

export interface OutboxPage {
  entries: OutboxEntry[];
  /** The last message shown, to go on to older ones from; absent on the last page. */
  olderFrom?: string;
  /** The first message shown, to go back to newer ones from; absent on the first page. */
  newerFrom?: string;
}

export const outboxPageRepository = {
  /**
   * A page of the outbox, newest first, by keyset on the id (never OFFSET, so a page costs the same
   * however far back it is). One more row than the page is read, to know whether there are more.
   */
  async page(tx: Tx, position: OutboxPosition, size: number): Promise<OutboxPage> {
    let query = mailTx(tx)
      .selectFrom('outbox')
      .select([
        'id',
        'status',
        'recipient as to',
        'subject',
        'attempts',
        'last_error as lastError',
        'created_at as createdAt',
        'sent_at as sentAt',
      ])
      .limit(size + 1);
    if ('after' in position) query = query.where('id', '>', position.after).orderBy('id', 'asc');
    else if ('before' in position) query = query.where('id', '<', position.before).orderBy('id', 'desc');
    else query = query.orderBy('id', 'desc');
    const rows = await query.execute();
    const more = rows.length > size;
    const entries = (more ? rows.slice(0, size) : rows).map((row) => ({ ...row, id: String(row.id) }));
    if ('after' in position) {
      entries.reverse();
      return {
        entries,
        ...(entries.length > 0 ? { olderFrom: entries.at(-1)!.id } : {}),
        ...(more ? { newerFrom: entries[0]!.id } : {}),
      };
    }
    return {
      entries,
      ...(more ? { olderFrom: entries.at(-1)!.id } : {}),
      ...('before' in position && entries.length > 0 ? { newerFrom: entries[0]!.id } : {}),
    };
  },
};
