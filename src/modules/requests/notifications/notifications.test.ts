import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../../../platform/db/index.js';
import { queueMail } from '../../../platform/mail/index.js';
import { buildTestApp, type TestApp } from '../../../../test/helpers/app.js';
import { demoIds } from '../../../../test/helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../../../../test/helpers/smtp-server.js';
import { pause } from '../../../../test/helpers/waiting.js';
import {
  as,
  clockAt,
  expectStatus,
  FAULT,
  releaseClock,
  requestTokens,
  type Body,
  type Tokens,
} from '../../../../test/helpers/requests.js';
import { refreshDueClocks } from '../clocks/refresh.js';

let smtp: TestSmtpServer;
let t: TestApp;
let tokens: Tokens;
let users: Record<string, string>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({ TANDEM_SMTP_URL: smtp.url, TANDEM_MAIL_FROM: 'Tandem <no-reply@mercia.example>' });
  tokens = await requestTokens(t);
  users = (await demoIds(t.db)).users;
});
afterAll(async () => {
  releaseClock();
  await t.close();
  await smtp.close();
});
beforeEach(async () => {
  // Each test starts with an empty outbox and nothing received (as the owner, past row level security).
  await t.app.mailer.dispatchDue();
  await sql`delete from outbox`.execute(t.db.kysely);
  smtp.received.length = 0;
});

/** Sends what is queued, as the mail job would, and gives what arrived: [to, subject]. */
async function delivered(): Promise<Array<[string, string]>> {
  await t.app.mailer.dispatchDue();
  return smtp.received.map((mail) => [
    mail.to && 'value' in mail.to ? mail.to.value[0]!.address! : '',
    mail.subject ?? '',
  ]);
}

const raise = async (body: object = FAULT, headers: Record<string, string> = {}) =>
  expectStatus(await as(t, tokens.wdcRequester).post('/requests', body, headers), 201);
const act = (who: keyof Tokens, reference: string, name: string, body: object = {}) =>
  as(t, tokens[who]).post(`/requests/${reference}/actions/${name}`, body);

describe('what people hear of their requests', () => {
  it('tells the requester once that their request has arrived', async () => {
    clockAt('2026-03-23T09:00:00Z');
    const first = await raise(FAULT, { 'idempotency-key': 'notify-once' });
    // The same request sent again (a retry) is the same request: nothing more is sent.
    await raise(FAULT, { 'idempotency-key': 'notify-once' });
    expect(await delivered()).toEqual([
      ['requester@wyvern.example', `We have received your request ${first.reference}`],
    ]);
    expect(smtp.received[0]!.text).toContain(FAULT.subject);
  });

  it('tells the requester of replies, requests for information and resolution, and agents of work given to them', async () => {
    clockAt('2026-03-23T10:00:00Z');
    const { reference } = await raise();
    await delivered();
    smtp.received.length = 0;
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${reference}/comments`, { body: 'Which floor?' }),
      201,
    );
    expectStatus(
      await as(t, tokens.agent).post(`/requests/${reference}/comments`, {
        body: 'Send the asset tag',
        awaitRequester: true,
      }),
      201,
    );
    // The requester's own answer tells no one by e-mail.
    expectStatus(
      await as(t, tokens.wdcRequester).post(`/requests/${reference}/comments`, { body: 'Tag 1234' }),
      201,
    );
    expectStatus(
      await act('teamLead', reference, 'assign', { assignee: users['agent@mercia.example'] }),
      200,
    );
    // Taking work for oneself tells no one.
    expectStatus(await act('teamLead', reference, 'pick-up'), 200);
    expectStatus(await act('agent', reference, 'resolve', { note: 'Replaced the toner' }), 200);
    expect(await delivered()).toEqual([
      ['requester@wyvern.example', `A reply to your request ${reference}`],
      ['requester@wyvern.example', `We need more information about your request ${reference}`],
      ['agent@mercia.example', `Request ${reference} has been assigned to you`],
      ['requester@wyvern.example', `Your request ${reference} has been resolved`],
    ]);
    expect(smtp.received[1]!.text).toContain('Send the asset tag');
    expect(smtp.received[3]!.text).toContain('Replaced the toner');
  });

  it('tells the assignee once of a breach the timer finds, however often it runs', async () => {
    clockAt('2026-03-24T09:00:00Z');
    const request = await raise({ ...FAULT, priority: 'high' });
    expectStatus(await act('agent', request.reference, 'pick-up'), 200);
    await delivered();
    smtp.received.length = 0;

    // Days later, with nothing done, the resolution clock has passed its target.
    const later = new Date('2026-03-30T12:00:00Z');
    clockAt(later.toISOString());
    const changes = await refreshDueClocks(t.db, later);
    expect(changes).toContainEqual(
      expect.objectContaining({ reference: request.reference, clock: 'resolution', to: 'breached' }),
    );
    // A second run finds nothing new; one that finds the same change again (its state put back)
    // queues nothing more either.
    expect(await refreshDueClocks(t.db, new Date(later.getTime() + 3_600_000))).toEqual([]);
    await sql`update requests set resolution_state = 'on_track', sla_next_check_at = ${later}
               where id = ${request.id}`.execute(t.db.kysely);
    expect(await refreshDueClocks(t.db, later)).toHaveLength(1);
    expect(await delivered()).toEqual([
      ['agent@mercia.example', `Request ${request.reference} is overdue (resolution)`],
    ]);
    await pause(50);
    expect(await delivered()).toHaveLength(1);
  });

  it('sends nothing for a change that rolls back', async () => {
    clockAt('2026-03-25T09:00:00Z');
    const { reference } = await raise();
    await delivered();
    smtp.received.length = 0;
    const keys = async () =>
      (await sql<Body>`select event_key from outbox order by id`.execute(t.db.kysely)).rows;
    const before = await keys();
    // A reply refused as stale: the unit of work that would have queued the mail rolls back.
    const stale = await as(t, tokens.agent).post(
      `/requests/${reference}/comments`,
      { body: 'Hello' },
      { 'if-match': '"99"' },
    );
    expect(stale.statusCode).toBe(409);
    // A unit of work that queues a message and then fails.
    const ids = await demoIds(t.db);
    await expect(
      inScope(
        t.db,
        { userId: ids.users['requester@wyvern.example'], orgIds: [ids.orgs.WDC!] },
        async (tx) => {
          await queueMail(tx, {
            orgId: ids.orgs.WDC!,
            to: 'requester@wyvern.example',
            subject: 'Never sent',
            text: 'Never sent',
            eventKey: `request:${crypto.randomUUID()}:received:someone`,
          });
          throw new Error('something later in the change failed');
        },
      ),
    ).rejects.toThrow(/later in the change/);
    expect(await keys()).toEqual(before);
    expect(await delivered()).toEqual([]);
  });
});
