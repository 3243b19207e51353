import crypto from 'node:crypto';
import { sql, type ColumnType, type Generated, type Kysely, type RawBuilder } from 'kysely';
import type { Tx } from '../db/index.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OutboxStatus = 'pending' | 'held' | 'sending' | 'sent' | 'failed';

/** The outbox table (migration 0012). */
export interface OutboxTable {
  id: Generated<string>;
  org_id: string;
  event_key: string;
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  next_attempt_at: Timestamp;
  claimed_until: NullableTimestamp;
  claim: string | null;
  message_id: string | null;
  smtp_response: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
}

export type MailTables = { outbox: OutboxTable };

/** A unit of work's transaction, seeing the outbox too. */
export function mailTx(tx: Tx): Kysely<MailTables & (Tx extends Kysely<infer S> ? S : never)> {
  return tx.withTables<MailTables>();
}

/** An e-mail to send because something happened. */
export interface OutgoingMail {
  /** The organisation the event belongs to; it must be visible in the unit of work (its scope). */
  orgId: string;
  /** One address. */
  to: string;
  subject: string;
  /** The plain-text body; every message has one. */
  text: string;
  /** An HTML body as well, if wanted. */
  html?: string;
  /**
   * Names the event that causes the message, and who it is for when an event tells several people
   * ("request:<id>:resolved:<user id>"). An event key already queued in the organisation queues
   * nothing: a retried or repeated change sends one message.
   */
  eventKey: string;
}

const ADDRESS = /^[^@\s<>,;"]+@[^@\s<>,;"]+$/;
const PRINTABLE_KEY = /^[\x21-\x7e]{1,200}$/;

function assertMail(mail: OutgoingMail): void {
  const problems: string[] = [];
  if (!ADDRESS.test(mail.to) || mail.to.length > 254) problems.push('to is not one e-mail address');
  if (!mail.subject.trim() || mail.subject.length > 300 || /[\r\n]/.test(mail.subject))
    problems.push('subject must be one line of 1 to 300 characters');
  if (!mail.text || mail.text.length > 100_000) problems.push('text must have 1 to 100,000 characters');
  if (mail.html !== undefined && mail.html.length > 200_000) problems.push('html is over 200,000 characters');
  if (!PRINTABLE_KEY.test(mail.eventKey)) problems.push('eventKey must be 1 to 200 printable characters');
  if (problems.length > 0) throw new TypeError(`queueMail: ${problems.join('; ')}`);
}

/**
 * Queues an e-mail in the outbox, in the caller's unit of work: it is sent (by the mail job) only if
 * that transaction commits, and an event key already queued in the organisation adds nothing.
 * Returns true if it was queued now, false if that event's message was queued before.
 */
export async function queueMail(tx: Tx, mail: OutgoingMail): Promise<boolean> {
  assertMail(mail);
  // No RETURNING, and no named conflict target: either would make PostgreSQL check the row against
  // the read policy, which only administrators pass. The one unique key a new row can meet is the
  // event's (the id is generated), so a bare DO NOTHING means "this event was queued before".
  const result = await mailTx(tx)
    .insertInto('outbox')
    .values({
      org_id: mail.orgId,
      event_key: mail.eventKey,
      recipient: mail.to,
      subject: mail.subject,
      body_text: mail.text,
      body_html: mail.html ?? null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Where a message queued by `queueMailWith` names something only its statement knows (a request's
 * reference, numbered as the request is added): one character of Unicode's private use area, which
 * the statement fills in.
 */
export const MAIL_BLANK = '\u{E000}';

/** Room kept in a subject for what fills its blank. */
const BLANK_ROOM = 40;

/**
 * The same as `queueMail`, as a statement to put in the caller's own (a data-modifying WITH), for
 * a message that must be queued in the statement that makes what it tells of: one message for each
 * row of `from`, its blanks (MAIL_BLANK) in subject and text filled with `fill`, read from that
 * row. Nothing is returned; whoever runs it signals the sender as for `queueMail`.
 */
export function queueMailWith(
  mail: OutgoingMail,
  source: { from: RawBuilder<unknown>; fill: RawBuilder<unknown> },
): RawBuilder<unknown> {
  assertMail(mail);
  if (mail.subject.length > 300 - BLANK_ROOM)
    throw new TypeError('queueMailWith: subject leaves no room to fill');
  return sql`insert into outbox (org_id, event_key, recipient, subject, body_text, body_html)
    select ${mail.orgId}::uuid, ${mail.eventKey}::text, ${mail.to}::text,
           replace(${mail.subject}::text, ${MAIL_BLANK}::text, left(${source.fill}::text, ${BLANK_ROOM}::int)),
           replace(${mail.text}::text, ${MAIL_BLANK}::text, left(${source.fill}::text, ${BLANK_ROOM}::int)),
           ${mail.html ?? null}::text
      from ${source.from}
    on conflict do nothing`;
}

/**
 * The Message-ID a message is always sent with: the same for every attempt, so that a message
 * delivered twice (its sender stopped after the server took it, before that was recorded) can be
 * told for one by anyone who reads the headers, and by mail clients that drop duplicates.
 */
export function messageIdFor(orgId: string, eventKey: string, domain: string): string {
  const digest = crypto.createHash('sha256').update(`${orgId}\n${eventKey}`).digest('hex').slice(0, 32);
  return `<${digest}.outbox@${domain}>`;
}

/** A message claimed for sending. */
export interface ClaimedMail {
  id: string;
  orgId: string;
  eventKey: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attempts: number;
}

/** The sender's SQL. Every function runs in a unit of work with the system scope (see mailer.ts). */
export const outboxRepository = {
  /**
   * Claims up to `limit` messages due now for `leaseSeconds`: due pending ones (and held ones, once
   * there is an SMTP server), and ones whose previous claim ran out. Rows another sender is claiming
   * at this moment are skipped, not waited for.
   */
  async claim(tx: Tx, claim: string, limit: number, leaseSeconds: number): Promise<ClaimedMail[]> {
    const { rows } = await sql<{
      id: string;
      org_id: string;
      event_key: string;
      recipient: string;
      subject: string;
      body_text: string;
      body_html: string | null;
      attempts: number;
    }>`
      update outbox o
         set status = 'sending', claim = ${claim}::uuid, attempts = o.attempts + 1,
             claimed_until = now() + make_interval(secs => ${leaseSeconds}::int)
       where o.id in (select id from outbox
                       where (status in ('pending', 'held') and next_attempt_at <= now())
                          or (status = 'sending' and claimed_until < now())
                       order by next_attempt_at, id
                       limit ${limit}::int
                         for update skip locked)
      returning o.id, o.org_id, o.event_key, o.recipient, o.subject, o.body_text, o.body_html, o.attempts`.execute(
      tx,
    );
    return rows
      .map((row) => ({
        id: String(row.id),
        orgId: row.org_id,
        eventKey: row.event_key,
        to: row.recipient,
        subject: row.subject,
        text: row.body_text,
        html: row.body_html,
        attempts: row.attempts,
      }))
      .sort((a, b) => Number(a.id) - Number(b.id));
  },

  /** Records that the server took the message. Only the claim holding it may; false if it has lost it. */
  async markSent(tx: Tx, id: string, claim: string, messageId: string, response: string): Promise<boolean> {
    const result = await mailTx(tx)
      .updateTable('outbox')
      .set({
        status: 'sent',
        sent_at: sql<Date>`now()`,
        message_id: messageId,
        smtp_response: response.slice(0, 1000),
        last_error: null,
        claim: null,
        claimed_until: null,
      })
      .where('id', '=', id)
      .where('claim', '=', claim)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /**
   * Records a failed attempt: due again after `delayMs`, or failed for good when `permanent` or
   * out of attempts.
   */
  async markFailed(
    tx: Tx,
    failure: {
      id: string;
      claim: string;
      messageId: string;
      error: string;
      permanent: boolean;
      delayMs: number;
      maxAttempts: number;
    },
  ): Promise<'pending' | 'failed' | 'lost'> {
    const { rows } = await sql<{ status: 'pending' | 'failed' }>`
      update outbox
         set status = case when ${failure.permanent}::boolean or attempts >= ${failure.maxAttempts}::int
                           then 'failed' else 'pending' end,
             last_error = ${failure.error.slice(0, 1000)},
             message_id = ${failure.messageId},
             next_attempt_at = now() + make_interval(secs => ${failure.delayMs / 1000}::float8),
             claim = null, claimed_until = null
       where id = ${failure.id} and claim = ${failure.claim}::uuid
      returning status`.execute(tx);
    return rows[0]?.status ?? 'lost';
  },

  /** Gives back claimed messages that were not attempted (the sender is stopping): due again at once. */
  async release(tx: Tx, claim: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await mailTx(tx)
      .updateTable('outbox')
      .set((eb) => ({
        status: 'pending',
        attempts: eb('attempts', '-', 1),
        claim: null,
        claimed_until: null,
        next_attempt_at: sql<Date>`now()`,
      }))
      .where('claim', '=', claim)
      .where('id', 'in', ids)
      .execute();
  },

  /** With no SMTP server: pending messages become held, for administrators to see. */
  async holdPending(tx: Tx): Promise<number> {
    const result = await mailTx(tx)
      .updateTable('outbox')
      .set({ status: 'held' })
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
};
