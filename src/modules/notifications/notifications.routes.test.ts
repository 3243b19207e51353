import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../../platform/db/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { Browser, signedInBrowser, buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';

let t: TestApp;
let wdc: string;

beforeAll(async () => {
  t = await buildTestApp();
  const ids = await demoIds(t.db);
  wdc = ids.orgs.WDC!;
  const requester = { userId: ids.users['requester@wyvern.example'], orgIds: [wdc] };
  // 120 messages, queued as a requester's changes would queue them: more than two pages.
  await inScope(t.db, requester, async (tx) => {
    for (let n = 1; n <= 120; n++) {
      await queueMail(tx, {
        orgId: wdc,
        to: 'requester@wyvern.example',
        subject: `Message ${n} <about> "this"`,
        text: `Body ${n}`,
        eventKey: `test:${n}`,
      });
    }
  });
  // As the sender would leave them: one sent, one failing.
  await sql`update outbox set status = 'sent', attempts = 1, sent_at = now(), message_id = '<x@y>'
             where event_key = 'test:120'`.execute(t.db.kysely);
  await sql`update outbox set attempts = 2, last_error = 'connect ECONNREFUSED 127.0.0.1:25'
             where event_key = 'test:119'`.execute(t.db.kysely);
});
afterAll(() => t.close());

const subjects = (html: string) =>
  [...html.matchAll(/Message (\d+) &lt;about&gt;/g)].map((match) => Number(match[1]));

describe('the outbox page', () => {
  it('shows platform administrators the newest messages first, fifty to a page, by keyset', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const first = await admin.get('/admin/outbox');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('<h1 class="govuk-heading-l">Outgoing email</h1>');
    // No SMTP server is configured in tests: the page says why messages wait.
    expect(first.body).toContain('data-qa="outbox-held"');
    expect(subjects(first.body)).toEqual(Array.from({ length: 50 }, (_, n) => 120 - n));
    expect(first.body).toContain('Message 120 &lt;about&gt; &quot;this&quot;'); // escaped
    expect(first.body).toMatch(/govuk-tag--green[^>]*>\s*Sent/);
    expect(first.body).toContain('connect ECONNREFUSED 127.0.0.1:25');
    expect(first.body).not.toContain('Newer emails');

    const olderHref = /href="(\/admin\/outbox\?before=\d+)"/.exec(first.body)?.[1];
    expect(olderHref).toBeDefined();
    const second = await admin.get(olderHref!);
    expect(subjects(second.body)).toEqual(Array.from({ length: 50 }, (_, n) => 70 - n));
    const third = await admin.get(/href="(\/admin\/outbox\?before=\d+)"/.exec(second.body)![1]!);
    expect(subjects(third.body)).toEqual(Array.from({ length: 20 }, (_, n) => 20 - n));
    expect(third.body).not.toContain('Older emails');

    // Back again, newer: the second page as it was.
    const back = await admin.get(/href="(\/admin\/outbox\?after=\d+)"/.exec(third.body)![1]!);
    expect(subjects(back.body)).toEqual(subjects(second.body));
  });

  it('ignores page links that are not message ids', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    for (const query of ['before=abc', 'before=-1', 'after=99999999999999999999999', 'before[]=1']) {
      const response = await admin.get(`/admin/outbox?${query}`);
      expect(response.statusCode).toBe(200);
      expect(subjects(response.body)[0]).toBe(120);
    }
  });

  it('is not for anyone else', async () => {
    for (const email of ['requester@wyvern.example', 'manager@wyvern.example', 'agent@mercia.example']) {
      const browser = await signedInBrowser(t.app, email);
      const response = await browser.get('/admin/outbox');
      expect([403, 404]).toContain(response.statusCode);
      expect(response.body).not.toContain('Message 120');
    }
    const visitor = await new Browser(t.app).get('/admin/outbox');
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/sign-in?next=%2Fadmin%2Foutbox');
  });
});
