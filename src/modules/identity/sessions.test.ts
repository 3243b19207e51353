import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Browser, buildTestApp, signedInBrowser, type TestApp } from '../../../test/helpers/app.js';
import { demoIds } from '../../../test/helpers/database.js';
import { DEMO_PASSWORD } from '../../demo.js';

/** A person's own sessions: listed with the browser each was made in, and any of them can be ended. */
let t: TestApp;
let ids: Awaited<ReturnType<typeof demoIds>>;
beforeAll(async () => {
  t = await buildTestApp();
  ids = await demoIds(t.db);
});
afterAll(() => t.close());

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Signs in as a browser that sends this User-Agent with its sign-in. */
async function signInWith(email: string, userAgent: string): Promise<Browser> {
  const browser = new Browser(t.app);
  await browser.get('/sign-in');
  const response = await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    cookies: browser.cookies,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
    payload: new URLSearchParams({ _csrf: browser.csrf, email, password: DEMO_PASSWORD }).toString(),
  });
  expect(response.statusCode).toBe(303);
  for (const cookie of response.cookies) browser.cookies[cookie.name] = cookie.value;
  await browser.get('/');
  return browser;
}

/** The ids of the sessions that can be ended from a sessions page, in the order shown. */
const endable = (html: string) =>
  [...html.matchAll(/action="\/account\/sessions\/([0-9a-f-]{36})\/end"/g)].map((m) => m[1]!);

describe('your sessions', () => {
  it('lists where you are signed in, this session marked, and no one else’s', async () => {
    const laptop = await signInWith('requester@severnvale.example', FIREFOX_WINDOWS);
    const phone = await signInWith('requester@severnvale.example', SAFARI_IPHONE);
    await signedInBrowser(t.app, 'requester@brightwater.example');
    const page = await phone.get('/account/sessions');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Your sessions</h1>');
    const rows = page.body.split('data-qa="session"').slice(1);
    expect(rows).toHaveLength(2);
    const current = rows.find((row) => row.includes('data-qa="current-session"'))!;
    expect(current).toContain('Safari on iOS');
    expect(current).toContain('This session');
    expect(current).toContain('action="/sign-out"');
    const other = rows.find((row) => !row.includes('data-qa="current-session"'))!;
    expect(other).toContain('Firefox on Windows');
    expect(other).toMatch(
      /End session<span class="govuk-visually-hidden">: Firefox on Windows, started \d{1,2} [A-Z][a-z]+ \d{4}/,
    );
    expect(endable(page.body)).toHaveLength(1);
    // The laptop sees the same two, the other one current.
    const fromLaptop = await laptop.get('/account/sessions');
    expect(fromLaptop.body.split('data-qa="current-session"')[0]).toContain('Firefox on Windows');
  });

  it('leaves out sessions that have expired or gone idle', async () => {
    const browser = await signedInBrowser(t.app, 'requester@merciafire.example');
    await signedInBrowser(t.app, 'requester@merciafire.example');
    await signedInBrowser(t.app, 'requester@merciafire.example');
    expect(endable((await browser.get('/account/sessions')).body)).toHaveLength(2);
    const [first, second] = endable((await browser.get('/account/sessions')).body);
    await sql`update sessions set expires_at = now() - interval '1 minute' where id = ${first!}`.execute(
      t.db.kysely,
    );
    await sql`update sessions set last_seen_at = now() - interval '2 hours' where id = ${second!}`.execute(
      t.db.kysely,
    );
    expect(endable((await browser.get('/account/sessions')).body)).toEqual([]);
  });

  it('ends another session at once, audited, and the page says so', async () => {
    const laptop = await signInWith('manager@wyvern.example', FIREFOX_WINDOWS);
    const phone = await signInWith('manager@wyvern.example', SAFARI_IPHONE);
    // The server now remembers whose the laptop's session is.
    expect((await laptop.get('/organisations')).statusCode).toBe(200);
    const [laptopSession] = endable((await phone.get('/account/sessions')).body);
    const ended = await phone.post(`/account/sessions/${laptopSession}/end`, {});
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe('/account/sessions?ended=1');
    const after = await phone.get('/account/sessions?ended=1');
    expect(after.body).toContain('Session ended');
    expect(endable(after.body)).toEqual([]);
    // The very next request from the laptop is signed out: nothing remembered outlives the change.
    const laptopNext = await laptop.get('/organisations');
    expect(laptopNext.statusCode).toBe(303);
    expect(laptopNext.headers.location).toBe('/sign-in?next=%2Forganisations');
    expect((await phone.get('/organisations')).statusCode).toBe(200);

    const audit = await t.db.kysely
      .selectFrom('audit_events')
      .select(['actor_user_id', 'org_id', 'before'])
      .where('action', '=', 'session.end')
      .where('entity_id', '=', laptopSession!)
      .executeTakeFirstOrThrow();
    expect(audit.actor_user_id).toBe(ids.users['manager@wyvern.example']);
    expect(audit.org_id).toBe(ids.orgs.WDC);
    expect(audit.before).toMatchObject({ userAgent: FIREFOX_WINDOWS, current: false });
  });

  it('signs you out when the session ended is this one', async () => {
    const browser = await signedInBrowser(t.app, 'finance@mercia.example');
    const session = (
      await t.db.kysely
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', ids.users['finance@mercia.example']!)
        .executeTakeFirstOrThrow()
    ).id;
    const oldCookies = { ...browser.cookies };
    await browser.get('/account/sessions');
    const ended = await browser.post(`/account/sessions/${session}/end`, {});
    expect(ended.statusCode).toBe(303);
    expect(ended.headers.location).toBe('/sign-in?signedOut=1');
    expect(ended.cookies.find((c) => c.name === 'tandem_session')?.value).toBe('');
    const replay = await t.app.inject({ method: 'GET', url: '/', cookies: oldCookies });
    expect(replay.statusCode).toBe(303);
  });

  it('answers 404 for a session that is not yours, even to a platform administrator', async () => {
    const owner = await signedInBrowser(t.app, 'teamlead@mercia.example');
    const [ownerSession] = await t.db.kysely
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', ids.users['teamlead@mercia.example']!)
      .execute();
    for (const email of ['admin@mercia.example', 'requester@wyvern.example']) {
      const other = await signedInBrowser(t.app, email);
      await other.get('/account/sessions');
      expect(endable((await other.get('/account/sessions')).body)).not.toContain(ownerSession!.id);
      const response = await other.post(`/account/sessions/${ownerSession!.id}/end`, {});
      expect(response.statusCode, email).toBe(404);
    }
    const stranger = await signedInBrowser(t.app, 'requester@wyvern.example');
    await stranger.get('/account/sessions');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-session', '1']) {
      expect((await stranger.post(`/account/sessions/${id}/end`, {})).statusCode, id).toBe(404);
    }
    expect((await owner.get('/')).statusCode).toBe(200);
  });

  it('needs the form’s CSRF token and a signed-in person', async () => {
    const browser = await signedInBrowser(t.app, 'agent@mercia.example');
    const second = await signedInBrowser(t.app, 'agent@mercia.example');
    const [other] = endable((await browser.get('/account/sessions')).body);
    expect((await browser.post(`/account/sessions/${other}/end`, {}, { csrf: null })).statusCode).toBe(403);
    expect((await second.get('/')).statusCode).toBe(200);
    const anonymous = new Browser(t.app);
    const page = await anonymous.get('/account/sessions');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Faccount%2Fsessions');
  });

  it('is linked from the navigation and from the API tokens page', async () => {
    const browser = await signedInBrowser(t.app, 'service.manager@mercia.example');
    const home = await browser.get('/');
    expect(home.body).toContain('href="/account/sessions"');
    const tokens = await browser.get('/account/tokens');
    expect(tokens.body).toContain('<a class="govuk-link" href="/account/sessions">Your sessions</a>');
  });
});
