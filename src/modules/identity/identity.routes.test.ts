import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { Browser, signedInBrowser } from '../../../test/helpers/app.js';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { DEMO_PASSWORD } from '../../demo.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('sends a visitor to sign in, then back to the page they asked for', async () => {
    const browser = new Browser(t.app);
    const asked = await browser.get('/organisations?page=1');
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/sign-in?next=%2Forganisations%3Fpage%3D1');
    await browser.get(asked.headers.location as string);
    const signedIn = await browser.post('/sign-in', {
      email: 'manager@wyvern.example',
      password: DEMO_PASSWORD,
      next: '/organisations?page=1',
    });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/organisations?page=1');
  });

  it('sets a session cookie that is HttpOnly and SameSite=Lax, and renews it at every sign-in', async () => {
    const browser = new Browser(t.app);
    // A session id planted before sign-in (fixation) is never the one the person ends up with.
    browser.cookies.tandem_session = 'A'.repeat(43);
    await browser.get('/sign-in');
    const first = await browser.post('/sign-in', {
      email: 'requester@wyvern.example',
      password: DEMO_PASSWORD,
    });
    const cookie = first.cookies.find((c) => c.name === 'tandem_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.value).not.toBe('A'.repeat(43));
    const overTls = await t.app.inject({
      method: 'GET',
      url: '/sign-in',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(overTls.cookies.find((c) => c.name === 'tandem_csrf')?.secure).toBeFalsy(); // proxy headers are not trusted by default
    // The secret itself is never stored: only its hash.
    const stored = await t.db.kysely.selectFrom('sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(cookie.value);
  });

  it('shows the organisation on every page once signed in', async () => {
    const browser = await signedInBrowser(t.app, 'requester@merciafire.example');
    for (const url of ['/', '/organisations', '/account/tokens', '/accessibility']) {
      const page = await browser.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('data-qa="current-organisation">Mercia Fire and Rescue Service<');
    }
  });

  it('re-renders with an error summary for a wrong password, and records the failure', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const response = await browser.post('/sign-in', {
      email: 'agent@mercia.example',
      password: 'not-the-password',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('Enter a correct email address and password');
    expect(response.body).toContain('value="agent@mercia.example"');
    expect(response.cookies.find((c) => c.name === 'tandem_session')).toBeUndefined();
    const failures = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('action', '=', 'sign-in.failed')
      .execute();
    expect(failures.some((f) => (f.after as { email: string }).email === 'agent@mercia.example')).toBe(true);
  });

  it('asks for both fields when they are empty', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const response = await browser.post('/sign-in', { email: '', password: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#email"');
    expect(response.body).toContain('href="#password"');
  });

  it('locks an address after repeated failures, even for the right password', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    for (let i = 0; i < 5; i++)
      await browser.post('/sign-in', { email: 'executive@mercia.example', password: `wrong-${i}-password` });
    const locked = await browser.post('/sign-in', {
      email: 'executive@mercia.example',
      password: DEMO_PASSWORD,
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many failed attempts');
  });

  it('refuses a form without the right CSRF token', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const missing = await browser.post(
      '/sign-in',
      { email: 'agent@mercia.example', password: DEMO_PASSWORD },
      { csrf: null },
    );
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('This form has expired');
    const forged = await browser.post(
      '/sign-in',
      { email: 'agent@mercia.example', password: DEMO_PASSWORD },
      { csrf: 'x'.repeat(43) },
    );
    expect(forged.statusCode).toBe(403);
  });

  it('signs out on the server: the old cookie no longer works', async () => {
    const browser = await signedInBrowser(t.app, 'finance@mercia.example');
    const oldCookies = { ...browser.cookies };
    const out = await browser.post('/sign-out', {});
    expect(out.statusCode).toBe(303);
    const replay = await t.app.inject({ method: 'GET', url: '/', cookies: oldCookies });
    expect(replay.statusCode).toBe(303);
    expect(replay.headers.location).toBe('/sign-in');
  });

  it('ends a session that has been idle too long', async () => {
    const browser = await signedInBrowser(t.app, 'teamlead@mercia.example');
    expect((await browser.get('/organisations')).statusCode).toBe(200);
    // Two hours pass, for the database and for the server (whose recent answers then lapse).
    await sql`update sessions set last_seen_at = now() - interval '2 hours'`.execute(t.db.kysely);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 60 * 60_000 });
    try {
      const response = await browser.get('/organisations');
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/sign-in?next=%2Forganisations');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('returning after sign-in', () => {
  /** Signs in from `/sign-in?next=…` (the query as given) and answers where the browser is sent. */
  async function signInFrom(query: string, email = 'requester@severnvale.example') {
    const browser = new Browser(t.app);
    const form = await browser.get(`/sign-in?next=${query}`);
    expect(form.statusCode, query).toBe(200);
    const next = /name="next" value="([^"]*)"/.exec(form.body)?.[1];
    const response = await browser.post('/sign-in', { email, password: DEMO_PASSWORD, next: next ?? '' });
    return { form, next, response, browser };
  }

  it('goes home instead of to a path browsers read as another site', async () => {
    for (const query of [
      '%2F%09%2Fevil.example',
      '%2F%2Fevil.example',
      '%2F%5Cevil.example',
      'https%3A%2F%2Fevil.example',
    ]) {
      const { next, response } = await signInFrom(query);
      expect(next, query).toBe('/');
      expect(response.statusCode, query).toBe(303);
      expect(response.headers.location, query).toBe('/');
    }
  });

  it('goes home for a path with a newline or a character a header cannot carry, without an error', async () => {
    for (const query of [
      '%2F%0A%2Fevil.example',
      '%2Fpage%0D%0ASet-Cookie%3Ax',
      '%2F%E2%80%A8',
      '%2Fcaf%C3%A9',
    ]) {
      const { next, response, browser } = await signInFrom(query, 'manager@wyvern.example');
      expect(next, query).toBe('/');
      expect(response.statusCode, query).toBe(303);
      expect(response.headers.location, query).toBe('/');
      expect((await browser.get('/')).statusCode, query).toBe(200);
    }
  });

  it('checks the form’s own next field too, and an already signed-in visitor’s', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const posted = await browser.post('/sign-in', {
      email: 'requester@brightwater.example',
      password: DEMO_PASSWORD,
      next: '/\t/evil.example',
    });
    expect(posted.headers.location).toBe('/');
    for (const query of ['%2F%09%2Fevil.example', '%2F%0A', '%2Forganisations']) {
      const again = await browser.get(`/sign-in?next=${query}`);
      expect(again.statusCode, query).toBe(303);
      expect(again.headers.location, query).toBe(query === '%2Forganisations' ? '/organisations' : '/');
    }
  });

  it('asks to come back only to a path that would be accepted', async () => {
    const browser = new Browser(t.app);
    const asked = await browser.get('/organisations/%0A');
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/sign-in?next=%2Forganisations%2F%250A');
  });
});

describe('organisation switcher', () => {
  it('lets a person with roles in two organisations switch between them', async () => {
    const browser = await signedInBrowser(t.app, 'shared.officer@mercia.example');
    const home = await browser.get('/');
    expect(home.body).toContain('id="switch-org"');
    const chs = /<option value="([^"]+)"\s*>Mercia County Council: Children&#39;s Services/.exec(
      home.body,
    )?.[1];
    expect(chs).toBeDefined();
    const switched = await browser.post('/switch-organisation', { orgId: chs! });
    expect(switched.statusCode).toBe(303);
    const after = await browser.get('/');
    expect(after.body).toContain(
      'data-qa="current-organisation">Mercia County Council: Children&#39;s Services<',
    );
  });

  it('will not switch into an organisation the person has no role in', async () => {
    const browser = await signedInBrowser(t.app, 'requester@wyvern.example');
    const fire = await t.db.kysely
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', 'MFRS')
      .executeTakeFirstOrThrow();
    const response = await browser.post('/switch-organisation', { orgId: fire.id });
    expect(response.statusCode).toBe(404);
    expect((await browser.get('/')).body).toContain(
      'data-qa="current-organisation">Wyvern District Council<',
    );
  });
});

describe('users and roles (platform administrator)', () => {
  it('adds a user, gives them roles, and they can sign in there', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get('/users/new');
    const created = await admin.post('/users', {
      name: 'Olu Adeyemi',
      email: 'Olu.Adeyemi@Wyvern.example',
      password: 'correct horse battery',
    });
    expect(created.statusCode).toBe(303);
    const userUrl = (created.headers.location as string).split('?')[0]!;
    const page = await admin.get(userUrl);
    expect(page.body).toContain('olu.adeyemi@wyvern.example');
    const wdc = await t.db.kysely
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', 'WDC')
      .executeTakeFirstOrThrow();
    // No roles for someone with none there: nothing to save, and it says so, naming the field.
    const auditCount = async () =>
      Number(
        (
          await t.db.kysely
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('entity_type', '=', 'membership')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditsBefore = await auditCount();
    const nothing = await admin.post(`${userUrl}/roles`, { orgId: wdc.id });
    expect(nothing.statusCode).toBe(400);
    expect(nothing.body).toContain('Select at least one role to give them');
    expect(nothing.body).not.toContain('Roles saved');
    expect(await auditCount()).toBe(auditsBefore);

    const saved = await admin.post(`${userUrl}/roles`, {
      orgId: wdc.id,
      roles: ['requester', 'partner_manager'],
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toMatch(/\?saved=1$/);
    expect((await admin.get(userUrl)).body).toContain('Wyvern District Council (WDC)');

    const olu = await signedInBrowser(t.app, 'olu.adeyemi@wyvern.example').catch(() => undefined);
    expect(olu).toBeUndefined(); // not the demo password
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const signIn = await browser.post('/sign-in', {
      email: 'olu.adeyemi@wyvern.example',
      password: 'correct horse battery',
    });
    expect(signIn.statusCode).toBe(303);
    const home = await browser.get('/');
    expect(home.body).toContain('Partner manager');

    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('entity_type', '=', 'membership')
      .execute();
    expect(
      audit.some((a) => a.action === 'membership.add' && JSON.stringify(a.after).includes('partner_manager')),
    ).toBe(true);

    // Clearing every role removes them, and the notice says that, not "saved".
    const removed = await admin.post(`${userUrl}/roles`, { orgId: wdc.id });
    expect(removed.statusCode).toBe(303);
    expect((await admin.get(removed.headers.location as string)).body).toContain(
      'Removed from the organisation',
    );
  });

  it('re-renders the form with every problem, keeping what was typed', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get('/users/new');
    const response = await admin.post('/users', { name: '', email: 'not-an-email', password: 'password1' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('govuk-error-summary');
    expect(response.body).toContain('Enter the full name');
    expect(response.body).toContain('Enter an email address in the correct format');
    expect(response.body).toContain('value="not-an-email"');
    const common = await admin.post('/users', {
      name: 'A Person',
      email: 'a.person@wyvern.example',
      password: 'password1',
    });
    expect(common.body).toContain('that one is too common');
    const taken = await admin.post('/users', {
      name: 'Dup',
      email: 'agent@mercia.example',
      password: 'a perfectly fine one',
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('Another user already has that email address');
  });

  it('stores names with HTML in them as written and shows them escaped', async () => {
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    await admin.get('/users/new');
    const name = `<script>alert("x")</script> O'Brien; DROP TABLE users; --`;
    const created = await admin.post('/users', {
      name,
      email: 'obrien@wyvern.example',
      password: 'a perfectly fine one',
    });
    const page = await admin.get((created.headers.location as string).split('?')[0]!);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien; DROP TABLE users; --',
    );
    const stored = await t.db.kysely
      .selectFrom('users')
      .select('name')
      .where('email', '=', 'obrien@wyvern.example')
      .executeTakeFirstOrThrow();
    expect(stored.name).toBe(name);
  });

  it('disabling a user ends their sessions at once', async () => {
    const victim = await signedInBrowser(t.app, 'requester@severnvale.example');
    expect((await victim.get('/')).statusCode).toBe(200);
    const admin = await signedInBrowser(t.app, 'admin@mercia.example');
    const user = await t.db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'requester@severnvale.example')
      .executeTakeFirstOrThrow();
    await admin.get(`/users/${user.id}`);
    expect((await admin.post(`/users/${user.id}/disable`, {})).statusCode).toBe(303);
    expect((await victim.get('/')).statusCode).toBe(303);
    const again = new Browser(t.app);
    await again.get('/sign-in');
    expect(
      (await again.post('/sign-in', { email: 'requester@severnvale.example', password: DEMO_PASSWORD }))
        .statusCode,
    ).toBe(401);
    await admin.get(`/users/${user.id}`);
    expect((await admin.post(`/users/${user.id}/enable`, {})).statusCode).toBe(303);
  });

  it('is closed to anyone but platform administrators', async () => {
    const manager = await signedInBrowser(t.app, 'manager@wyvern.example');
    expect((await manager.get('/users')).statusCode).toBe(403);
    const admin = await t.db.kysely
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'admin@mercia.example')
      .executeTakeFirstOrThrow();
    expect((await manager.get(`/users/${admin.id}`)).statusCode).toBe(404);
    expect(
      (
        await manager.post('/users', {
          name: 'Sneaky',
          email: 'sneaky@wyvern.example',
          password: 'a perfectly fine one',
        })
      ).statusCode,
    ).toBe(403);
    expect((await manager.get('/')).body).not.toContain('href="/users"');
  });
});

describe('API tokens', () => {
  it('creates a token shown once, which works for the API until revoked', async () => {
    const browser = await signedInBrowser(t.app, 'manager@merciafire.example');
    await browser.get('/account/tokens');
    const created = await browser.post('/account/tokens', { name: 'Payroll export', expiresInDays: '30' });
    expect(created.statusCode).toBe(200);
    const secret = /data-qa="token-secret">(tdm_[A-Za-z0-9_-]+)</.exec(created.body)?.[1];
    expect(secret).toBeDefined();
    expect((await browser.get('/account/tokens')).body).not.toContain(secret);

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      email: 'manager@merciafire.example',
      organisation: { code: 'MFRS', roles: ['partner_manager'] },
    });

    const list = await browser.get('/account/tokens');
    const tokenId = /action="\/account\/tokens\/([0-9a-f-]+)\/revoke"/.exec(list.body)?.[1];
    expect((await browser.post(`/account/tokens/${tokenId}/revoke`, {})).statusCode).toBe(303);
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('ERR_UNAUTHENTICATED');
  });

  it('validates the name and expiry', async () => {
    const browser = await signedInBrowser(t.app, 'manager@merciafire.example');
    await browser.get('/account/tokens');
    const response = await browser.post('/account/tokens', { name: '', expiresInDays: '999' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter a name for the token');
    expect(response.body).toContain('Enter a whole number of days from 1 to 365');
  });

  it("cannot revoke someone else's token", async () => {
    const owner = await signedInBrowser(t.app, 'requester@merciafire.example');
    await owner.get('/account/tokens');
    await owner.post('/account/tokens', { name: 'Mine', expiresInDays: '5' });
    const id = /action="\/account\/tokens\/([0-9a-f-]+)\/revoke"/.exec(
      (await owner.get('/account/tokens')).body,
    )?.[1];
    const other = await signedInBrowser(t.app, 'manager@wyvern.example');
    expect((await other.post(`/account/tokens/${id}/revoke`, {})).statusCode).toBe(404);
    expect((await owner.get('/account/tokens')).body).toContain(`/account/tokens/${id}/revoke`);
  });

  it('answers 401 with a stable code for a missing, malformed or unknown token', async () => {
    for (const authorization of [undefined, 'Basic abc', 'Bearer nonsense', `Bearer tdm_${'a'.repeat(43)}`]) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json().error.code).toBe('ERR_UNAUTHENTICATED');
    }
  });
});
