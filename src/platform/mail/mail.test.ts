import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inScope, type Scope } from '../db/index.js';
import { demoIds, openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.js';
import { pause } from '../../../test/helpers/waiting.js';
import {
  createMailer,
  messageIdFor,
  queueMail,
  type Mailer,
  type MailerOptions,
  type OutgoingMail,
} from './index.js';
import { outboxRepository } from './outbox.js';

let db: TestDatabase;
let smtp: TestSmtpServer;
let wdc: string;
let mcc: string;
let requester: Scope;
const FROM = 'Tandem <no-reply@mercia.example>';
const mailers: Mailer[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  smtp = await startSmtpServer();
  const ids = await demoIds(db);
  wdc = ids.orgs.WDC!;
  mcc = ids.orgs.MCC!;
  requester = { userId: ids.users['requester@wyvern.example'], orgIds: [wdc] };
});
afterAll(async () => {
  await smtp.close();
  await db.destroy();
});
beforeEach(async () => {
  smtp.received.length = 0;
  // As the owner, past row level security: each test starts with an empty outbox.
  await sql`delete from outbox`.execute(db.kysely);
});
afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.stop()));
});

/** A sender, as one process would have it; `null` for one with no SMTP server configured. */
function mailer(smtpUrl: string | null = smtp.url, options: MailerOptions = {}): Mailer {
  const created = createMailer(db, { smtpUrl: smtpUrl ?? undefined, from: FROM }, options);
  mailers.push(created);
  return created;
}

function message(eventKey: string, overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    orgId: wdc,
    to: 'requester@wyvern.example',
    subject: `Request received (${eventKey})`,
    text: 'We have your request.',
    eventKey,
    ...overrides,
  };
}

const queue = (...messages: OutgoingMail[]) =>
  inScope(db, requester, async (tx) => {
    const queued: boolean[] = [];
    for (const each of messages) queued.push(await queueMail(tx, each));
    return queued;
  });

async function rows() {
  const { rows } = await sql<{
    event_key: string;
    status: string;
    attempts: number;
    last_error: string | null;
    wait_ms: number;
    message_id: string | null;
    smtp_response: string | null;
  }>`select event_key, status, attempts, last_error, message_id, smtp_response,
            (extract(epoch from next_attempt_at - now()) * 1000)::float8 as wait_ms
       from outbox order by id`.execute(db.kysely);
  return rows;
}

describe('the outbox', () => {
  it('sends nothing for a change that rolled back', async () => {
    await expect(
      inScope(db, requester, async (tx) => {
        await queueMail(tx, message('rolled-back'));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await mailer().dispatchDue()).toEqual({ sent: 0, failed: 0, held: 0 });
    expect(await rows()).toEqual([]);
    expect(smtp.received).toEqual([]);
  });

  it('sends a committed message once, with a Message-ID made from its event', async () => {
    expect(await queue(message('request:1:received', { html: '<p>We have your request.</p>' }))).toEqual([
      true,
    ]);
    const sender = mailer();
    expect(await sender.dispatchDue()).toEqual({ sent: 1, failed: 0, held: 0 });
    expect(await sender.dispatchDue()).toEqual({ sent: 0, failed: 0, held: 0 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    const messageId = messageIdFor(wdc, 'request:1:received', 'mercia.example');
    expect(mail!.messageId).toBe(messageId);
    expect(mail!.subject).toBe('Request received (request:1:received)');
    expect(mail!.from?.value).toEqual([{ name: 'Tandem', address: 'no-reply@mercia.example' }]);
    expect(mail!.text?.trim()).toBe('We have your request.');
    expect(mail!.html).toContain('<p>We have your request.</p>');
    expect(mail!.headers.get('auto-submitted')).toBe('auto-generated');
    expect(await rows()).toEqual([
      expect.objectContaining({
        status: 'sent',
        attempts: 1,
        last_error: null,
        message_id: messageId,
        smtp_response: expect.stringContaining('Queued as'),
      }),
    ]);
  });

  it('queues one message per event, however often the event is queued', async () => {
    expect(await queue(message('request:2:resolved'), message('request:2:resolved'))).toEqual([true, false]);
    expect(await queue(message('request:2:resolved', { subject: 'A second go' }))).toEqual([false]);
    await mailer().dispatchDue();
    expect(smtp.received.map((mail) => mail.subject)).toEqual(['Request received (request:2:resolved)']);
  });

  it('sends each message once when two senders run at the same time', async () => {
    await queue(...Array.from({ length: 8 }, (_, n) => message(`together:${n}`)));
    const [first, second] = await Promise.all([
      mailer(smtp.url, { batchSize: 2 }).dispatchDue(),
      mailer(smtp.url, { batchSize: 2 }).dispatchDue(),
    ]);
    expect(first.sent + second.sent).toBe(8);
    const ids = smtp.received.map((mail) => mail.messageId);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    expect((await rows()).every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
  });

  it('sends each message once when its sender stops mid-way and another takes over', async () => {
    const slow = await startSmtpServer({ delayMs: 150 });
    try {
      await queue(...Array.from({ length: 4 }, (_, n) => message(`restart:${n}`)));
      const before = mailer(slow.url, { batchSize: 4 });
      const dispatching = before.dispatchDue();
      await slow.waitFor(1);
      await before.stop(); // the message in hand is finished; the rest of the batch is given back
      const { sent } = await dispatching;
      expect(sent).toBeGreaterThanOrEqual(1);
      expect(sent).toBeLessThan(4);
      expect(await mailer(slow.url).dispatchDue()).toEqual({ sent: 4 - sent, failed: 0, held: 0 });
      expect(new Set(slow.received.map((mail) => mail.messageId)).size).toBe(4);
      expect(slow.received).toHaveLength(4);
      expect((await rows()).map((row) => [row.status, row.attempts])).toEqual(Array(4).fill(['sent', 1]));
    } finally {
      await slow.close();
    }
  });

  it('waits out the claim of a sender that died, then sends the message once', async () => {
    await queue(message('crashed'));
    // A sender claims the message and is never heard of again.
    const claimed = await inScope(db, { orgIds: [], platformAdmin: true }, (tx) =>
      outboxRepository.claim(tx, randomUUID(), 10, 1),
    );
    expect(claimed).toHaveLength(1);
    const next = mailer();
    expect(await next.dispatchDue()).toEqual({ sent: 0, failed: 0, held: 0 });
    await pause(1_100);
    expect(await next.dispatchDue()).toEqual({ sent: 1, failed: 0, held: 0 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.messageId).toBe(messageIdFor(wdc, 'crashed', 'mercia.example'));
    expect(await rows()).toEqual([expect.objectContaining({ status: 'sent', attempts: 2 })]);
  });

  it('retries with a growing delay while the SMTP server is down, then sends once it is back', async () => {
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.close(); // nothing listens there now
    await queue(message('while-down'));
    const sender = mailer(`smtp://127.0.0.1:${port}`, { firstRetryDelayMs: 300, smtpTimeoutMs: 2_000 });

    expect(await sender.dispatchDue()).toEqual({ sent: 0, failed: 1, held: 0 });
    let [row] = await rows();
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringMatching(/ECONNREFUSED|connect/i),
    });
    expect(row!.wait_ms).toBeGreaterThan(150);
    expect(row!.wait_ms).toBeLessThanOrEqual(300);
    expect(await sender.dispatchDue()).toEqual({ sent: 0, failed: 0, held: 0 }); // not due yet

    await pause(320);
    expect(await sender.dispatchDue()).toEqual({ sent: 0, failed: 1, held: 0 });
    [row] = await rows();
    expect(row!.attempts).toBe(2);
    expect(row!.wait_ms).toBeGreaterThan(450); // doubled: 600 ms
    expect(row!.wait_ms).toBeLessThanOrEqual(600);

    const back = await startSmtpServer({ port });
    try {
      await pause(620);
      expect(await sender.dispatchDue()).toEqual({ sent: 1, failed: 0, held: 0 });
      expect(back.received).toHaveLength(1);
      expect(await rows()).toEqual([
        expect.objectContaining({ status: 'sent', attempts: 3, last_error: null }),
      ]);
    } finally {
      await back.close();
    }
  });

  it('gives up at once on a permanent refusal, and after the last attempt on others', async () => {
    const refusing = await startSmtpServer({ refuse: (address) => address.startsWith('gone@') });
    try {
      await queue(message('refused', { to: 'gone@wyvern.example' }), message('accepted'));
      expect(await mailer(refusing.url).dispatchDue()).toEqual({ sent: 1, failed: 1, held: 0 });
      const [refused, accepted] = await rows();
      expect(refused).toMatchObject({
        status: 'failed',
        attempts: 1,
        last_error: expect.stringContaining('550'),
      });
      expect(accepted).toMatchObject({ status: 'sent' });
    } finally {
      await refusing.close();
    }
    await queue(message('never-up'));
    const hopeless = mailer('smtp://127.0.0.1:9', {
      maxAttempts: 1,
      firstRetryDelayMs: 0,
      smtpTimeoutMs: 1_000,
    });
    expect(await hopeless.dispatchDue()).toMatchObject({ failed: 1 });
    expect((await rows()).find((row) => row.event_key === 'never-up')).toMatchObject({ status: 'failed' });
  });

  it('holds messages while no SMTP server is configured, and sends them once one is', async () => {
    await queue(message('held'));
    const unconfigured = mailer(null);
    expect(unconfigured.sending).toBe(false);
    expect(await unconfigured.dispatchDue()).toEqual({ sent: 0, failed: 0, held: 1 });
    expect(await rows()).toEqual([expect.objectContaining({ status: 'held', attempts: 0 })]);
    expect(await unconfigured.dispatchDue()).toEqual({ sent: 0, failed: 0, held: 0 });
    expect(smtp.received).toEqual([]);
    expect(await mailer().dispatchDue()).toEqual({ sent: 1, failed: 0, held: 0 });
  });

  it('keeps messages from partners, and lets no one queue mail for an organisation out of scope', async () => {
    await queue(message('private'));
    const seen = await inScope(db, requester, (tx) => sql`select * from outbox`.execute(tx));
    expect(seen.rows).toEqual([]);
    await expect(queue(message('elsewhere', { orgId: mcc }))).rejects.toThrow();
    await expect(
      inScope(db, requester, (tx) => sql`update outbox set status = 'sent'`.execute(tx)),
    ).resolves.toMatchObject({ numAffectedRows: 0n });
    expect(await rows()).toEqual([expect.objectContaining({ event_key: 'private', status: 'pending' })]);
  });

  it('refuses a message that could not be sent as it stands', async () => {
    await expect(queue(message('bad-to', { to: 'two@a.example, three@b.example' }))).rejects.toThrow(
      /one e-mail address/,
    );
    await expect(
      queue(message('bad-subject', { subject: 'Line one\r\nBcc: someone@else.example' })),
    ).rejects.toThrow(/subject/);
    await expect(queue(message(''))).rejects.toThrow(/eventKey/);
    expect(await rows()).toEqual([]);
  });
});
