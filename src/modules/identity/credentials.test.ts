import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { testEngine } from '../../../test/helpers/engine.js';
import { hashSecret } from '../../platform/auth/index.js';

/**
 * The server remembers for a few seconds whose a session or token is (platform/auth/credential-cache).
 * Each test here first uses a credential, so that its answer is remembered, then changes what
 * that answer should be, and checks that the very next request sees the change.
 */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
let admin: string;

beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
  admin = await apiTokenFor(t.db, 'admin@mercia.example', 'MCC');
});
afterAll(() => t.close());

const me = async (token: string) => apiCall(t.app, token, 'GET', '/api/v1/me');

/** Polls until `check` holds, for changes heard from another session (at most `ms`). */
async function eventually(check: () => Promise<boolean>, ms = 3_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('remembered credentials', () => {
  it('show a change of roles at the next request', async () => {
    const agent = await signedInBrowser(t.app, 'agent@mercia.example');
    expect((await agent.get('/users')).statusCode).toBe(403);
    const browser = await signedInBrowser(t.app, 'admin@mercia.example');
    const agentId = ids.users['agent@mercia.example']!;
    await browser.get(`/users/${agentId}`);
    const grant = (roles: string[]) =>
      browser.post(`/users/${agentId}/roles`, { orgId: ids.orgs.MCC!, roles });
    expect((await grant(['agent', 'platform_administrator'])).statusCode).toBe(303);
    expect((await agent.get('/users')).statusCode).toBe(200);
    await browser.get(`/users/${agentId}`);
    expect((await grant(['agent'])).statusCode).toBe(303);
    expect((await agent.get('/users')).statusCode).toBe(403);
  });

  it("show an organisation's new name at the next request", async () => {
    const person = await signedInBrowser(t.app, 'requester@severnvale.example');
    expect((await person.get('/')).body).not.toContain('Severn Vale Community Support Trust');
    const renamed = await apiCall(t.app, admin, 'PATCH', `/api/v1/organisations/${ids.orgs.SVCT}`, {
      name: 'Severn Vale Community Support Trust',
    });
    expect(renamed.statusCode).toBe(200);
    expect((await person.get('/')).body).toContain('Severn Vale Community Support Trust');
  });

  it('stop working at once when the person leaves the organisation', async () => {
    const token = await apiTokenFor(t.db, 'requester@brightwater.example', 'BWF');
    expect((await me(token)).statusCode).toBe(200);
    const removed = await signedInBrowser(t.app, 'admin@mercia.example');
    await removed.get(`/users/${ids.users['requester@brightwater.example']}`);
    expect(
      (
        await removed.post(`/users/${ids.users['requester@brightwater.example']}/roles`, {
          orgId: ids.orgs.BWF!,
          roles: [],
        })
      ).statusCode,
    ).toBe(303);
    expect((await me(token)).statusCode).toBe(401);
  });

  // On a server, other processes (another Tandem server, `tandem` commands, an operator's SQL) change
  // the same tables; the database announces those changes and this server hears them. The embedded
  // database is one process's alone, so nothing can change it from elsewhere.
  it.runIf(testEngine() === 'server')(
    'stop working soon after a change made by another process is committed',
    async () => {
      const token = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
      expect((await me(token)).statusCode).toBe(200);
      await sql`update api_tokens set revoked_at = now() where token_hash = ${hashSecret(token)}`.execute(
        t.db.kysely,
      );
      expect(await eventually(async () => (await me(token)).statusCode === 401)).toBe(true);

      const browser = await signedInBrowser(t.app, 'requester@merciafire.example');
      expect((await browser.get('/')).statusCode).toBe(200);
      await sql`update users set disabled_at = now() where email = 'requester@merciafire.example'`.execute(
        t.db.kysely,
      );
      await sql`delete from sessions where user_id = ${ids.users['requester@merciafire.example']!}`.execute(
        t.db.kysely,
      );
      expect(await eventually(async () => (await browser.get('/')).statusCode === 303)).toBe(true);
    },
  );

  it.runIf(testEngine() === 'server')(
    'are not reused for changes nobody announced: a rolled-back change leaves them as they were',
    async () => {
      const token = await apiTokenFor(t.db, 'teamlead@mercia.example', 'MCC');
      expect((await me(token)).statusCode).toBe(200);
      await t.db.kysely
        .transaction()
        .execute(async (tx) => {
          await sql`update api_tokens set revoked_at = now() where token_hash = ${hashSecret(token)}`.execute(
            tx,
          );
          throw new Error('changed my mind');
        })
        .catch(() => {});
      expect((await me(token)).statusCode).toBe(200);
    },
  );
});
