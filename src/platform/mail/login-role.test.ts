import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { inScope } from '../db/index.js';
import { createJobs, type Jobs } from '../jobs/index.js';
import { openTestDatabase, type TestDatabase } from '../../../test/helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.js';
import { until } from '../../../test/helpers/waiting.js';
import { createMailer, queueMail, type Mailer } from './index.js';

// As production runs on a server: the application connected as a login role that is only a member
// of tandem_app (and does not inherit its rights), the tables owned by the role that migrated.
let db: TestDatabase;
let smtp: TestSmtpServer;
let jobs: Jobs;
let mailer: Mailer;

beforeAll(async () => {
  db = await openTestDatabase({ asLoginRole: true });
  smtp = await startSmtpServer();
  jobs = createJobs(db, { pollingIntervalSeconds: 0.5 });
  mailer = createMailer(db, { smtpUrl: smtp.url, from: 'Tandem <no-reply@mercia.example>' });
  await mailer.register(jobs);
  await jobs.start();
});
afterAll(async () => {
  await mailer.stop();
  await jobs.stop();
  await smtp.close();
  await db.destroy();
});

describe('jobs and mail on the application’s login role', () => {
  it('queue, work and send (the mail job, when asked) with only what tandem_app is granted', async () => {
    const { wdc, requester } = await db.asOwner(async (owner) => {
      const org = await owner
        .selectFrom('organisations')
        .select('id')
        .where('code', '=', 'WDC')
        .executeTakeFirstOrThrow();
      const user = await owner
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'requester@wyvern.example')
        .executeTakeFirstOrThrow();
      return { wdc: org.id, requester: user.id };
    });
    const seen: string[] = [];
    await jobs.work<{ what: string }>('test.login-role', async ([job]) => {
      seen.push(job!.data.what);
    });
    await inScope(db, { userId: requester, orgIds: [wdc] }, async (tx) => {
      await queueMail(tx, {
        orgId: wdc,
        to: 'requester@wyvern.example',
        subject: 'Received',
        text: 'We have it.',
        eventKey: 'login-role:1',
      });
      await jobs.send('test.login-role', { what: 'in the same transaction' }, { tx });
    });
    await mailer.dispatchSoon();
    await smtp.waitFor(1);
    await until(() => seen.length === 1);
    expect(seen).toEqual(['in the same transaction']);
    // Recorded as sent just after the server has it.
    const status = () =>
      db.asOwner(
        async (owner) => (await sql<{ status: string }>`select status from outbox`.execute(owner)).rows,
      );
    await until(async () => (await status())[0]?.status === 'sent');
    expect(await status()).toEqual([{ status: 'sent' }]);
    // And every minute, whether asked or not.
    const schedules = await db.asOwner(
      async (owner) =>
        (await sql<{ name: string; cron: string }>`select name, cron from pgboss.schedule`.execute(owner))
          .rows,
    );
    expect(schedules).toContainEqual({ name: 'mail.dispatch', cron: '* * * * *' });
  });
});
