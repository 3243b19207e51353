import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '../../platform/db/index.js';
import { queueMail } from '../../platform/mail/index.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.js';

let smtp: TestSmtpServer;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await buildTestApp({
    TANDEM_SMTP_URL: smtp.url,
    TANDEM_MAIL_FROM: 'Wyvern Shared Services <no-reply@wyvern.example>',
  });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('notifications in a running Tandem', () => {
  it('start jobs when the server listens, send queued mail when asked, and stop with the server', async () => {
    expect(t.app.mailer.sending).toBe(true);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ids = await demoIds(t.db);
    const requester = { userId: ids.users['requester@wyvern.example'], orgIds: [ids.orgs.WDC!] };
    await inScope(t.db, requester, (tx) =>
      queueMail(tx, {
        orgId: ids.orgs.WDC!,
        to: 'requester@wyvern.example',
        subject: 'Your request WDC-000001 has been received',
        text: 'We will reply within 2 working days.',
        eventKey: 'request:WDC-000001:received',
      }),
    );
    await t.app.mailer.dispatchSoon();
    await smtp.waitFor(1, 8_000);
    expect(smtp.received[0]!.subject).toBe('Your request WDC-000001 has been received');
    expect(smtp.received[0]!.from?.value[0]?.address).toBe('no-reply@wyvern.example');
    // Closing the app stops the jobs before the database is closed (t.close), with nothing left running.
    await t.app.close();
    await expect(t.app.jobs.work('test.after-close', async () => {})).rejects.toThrow(/stopped/);
  });
});
