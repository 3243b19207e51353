import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { Browser, buildTestApp, csrfFrom, signedInBrowser, type TestApp } from '../../../test/helpers/app.js';
import { DEMO_PASSWORD } from '../../demo.js';

/**
 * Signed in, a form's CSRF token is derived from the session, so a CSRF cookie planted in someone's
 * browser cannot forge their forms; over TLS the cookies carry the `__Host-` prefix, so they cannot
 * be planted at all.
 */
let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  t = await buildTestApp(
    { TANDEM_TRUST_PROXY: '1', LOG_LEVEL: 'info' },
    { logStream: { write: (line) => void logLines.push(line) } },
  );
});
afterAll(() => t.close());

/** The error code the server logged for the request that gave this response. */
function loggedCode(response: LightMyRequestResponse): string | undefined {
  const id = response.headers['x-request-id'];
  for (const line of logLines) {
    const entry = JSON.parse(line) as { reqId?: string; code?: string };
    if (entry.reqId === id && entry.code) return entry.code;
  }
  return undefined;
}

const tokenCount = async (email: string) =>
  Number(
    (
      await sql<{ count: string }>`select count(*) as count from api_tokens t join users u on u.id = t.user_id
                                   where u.email = ${email}`.execute(t.db.kysely)
    ).rows[0]!.count,
  );

describe('CSRF tokens tied to the session', () => {
  it('refuses a form forged with a CSRF cookie planted next to the victim’s session', async () => {
    // The attacker gets a CSRF cookie and its token for themselves…
    const attacker = new Browser(t.app);
    await attacker.get('/sign-in');
    const plantedCookie = attacker.cookies.tandem_csrf!;
    const plantedToken = attacker.csrf;
    expect(plantedCookie).toBeDefined();
    // …and plants the cookie in the victim's browser, where the victim is signed in.
    const victim = await signedInBrowser(t.app, 'manager@merciafire.example');
    victim.cookies.tandem_csrf = plantedCookie;
    const before = await tokenCount('manager@merciafire.example');
    const forged = await victim.post(
      '/account/tokens',
      { name: 'Forged', expiresInDays: '365' },
      { csrf: plantedToken },
    );
    expect(forged.statusCode).toBe(403);
    expect(loggedCode(forged)).toBe('ERR_CSRF');
    expect(forged.body).toContain('This form has expired');
    expect(await tokenCount('manager@merciafire.example')).toBe(before);

    // The victim's own form, with the same planted cookie, still works: the token is the session's.
    await victim.get('/account/tokens');
    const own = await victim.post('/account/tokens', { name: 'Mine', expiresInDays: '30' });
    expect(own.statusCode).toBe(200);
    expect(await tokenCount('manager@merciafire.example')).toBe(before + 1);
  });

  it('gives each session a token of its own, good for that session only', async () => {
    const first = await signedInBrowser(t.app, 'requester@wyvern.example');
    const second = await signedInBrowser(t.app, 'requester@wyvern.example');
    await first.get('/account/tokens');
    await second.get('/account/tokens');
    expect(first.csrf).not.toBe(second.csrf);
    // The same page again in the same session: the same token (forms in other tabs keep working).
    const again = await first.get('/');
    expect(csrfFrom(again.body)).toBe(first.csrf);
    const crossed = await second.post(
      '/account/tokens',
      { name: 'Crossed', expiresInDays: '5' },
      {
        csrf: first.csrf,
      },
    );
    expect(crossed.statusCode).toBe(403);
    expect(loggedCode(crossed)).toBe('ERR_CSRF');
  });

  it('gives a new pre-session value at sign-in: a sign-in form from before stops working', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    const beforeCookie = browser.cookies.tandem_csrf;
    const beforeToken = browser.csrf;
    const signIn = await browser.post('/sign-in', {
      email: 'finance@mercia.example',
      password: DEMO_PASSWORD,
    });
    expect(signIn.statusCode).toBe(303);
    expect(browser.cookies.tandem_csrf).toBeDefined();
    expect(browser.cookies.tandem_csrf).not.toBe(beforeCookie);
    // Signed in, the page's token is the session's, not the pre-session one.
    const home = await browser.get('/');
    expect(csrfFrom(home.body)).not.toBe(beforeToken);
    await browser.post('/sign-out', {});
    const replayed = await browser.post(
      '/sign-in',
      { email: 'finance@mercia.example', password: DEMO_PASSWORD },
      { csrf: beforeToken },
    );
    expect(replayed.statusCode).toBe(403);
    expect(loggedCode(replayed)).toBe('ERR_CSRF');
  });

  it('sends a form from a session that has since ended to sign in again', async () => {
    const browser = await signedInBrowser(t.app, 'executive@mercia.example');
    expect((await browser.get('/account/tokens')).statusCode).toBe(200);
    // The same session is signed out in another tab.
    const otherTab = new Browser(t.app);
    otherTab.cookies = { ...browser.cookies };
    otherTab.csrf = browser.csrf;
    expect((await otherTab.post('/sign-out', {})).statusCode).toBe(303);
    const late = await t.app.inject({
      method: 'POST',
      url: '/account/tokens',
      cookies: browser.cookies,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        referer: 'http://localhost/account/tokens',
      },
      payload: new URLSearchParams({ _csrf: browser.csrf, name: 'Late', expiresInDays: '5' }).toString(),
    });
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toBe('/sign-in?next=%2Faccount%2Ftokens');
  });
});

describe('cookies over TLS', () => {
  const overTls = { 'x-forwarded-proto': 'https' };

  it('are named with the __Host- prefix: Secure, Path=/, no Domain', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/sign-in', headers: overTls });
    const csrfCookie = page.cookies.find((c) => c.name === '__Host-tandem_csrf');
    expect(csrfCookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(csrfCookie?.domain).toBeUndefined();
    expect(page.cookies.find((c) => c.name === 'tandem_csrf')).toBeUndefined();

    const signIn = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      cookies: { '__Host-tandem_csrf': csrfCookie!.value },
      headers: { ...overTls, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfFrom(page.body),
        email: 'agent@mercia.example',
        password: DEMO_PASSWORD,
      }).toString(),
    });
    expect(signIn.statusCode).toBe(303);
    const session = signIn.cookies.find((c) => c.name === '__Host-tandem_session');
    expect(session).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(session?.domain).toBeUndefined();
    expect(signIn.cookies.find((c) => c.name === 'tandem_session')).toBeUndefined();

    const home = await t.app.inject({
      method: 'GET',
      url: '/',
      cookies: { '__Host-tandem_session': session!.value },
      headers: overTls,
    });
    expect(home.statusCode).toBe(200);

    // Over TLS, a cookie without the prefix (which anyone on a sibling host could have set) is not read.
    const unprefixed = await t.app.inject({
      method: 'GET',
      url: '/',
      cookies: { tandem_session: session!.value },
      headers: overTls,
    });
    expect(unprefixed.statusCode).toBe(303);
    expect(unprefixed.headers.location).toBe('/sign-in');
  });

  it('are plain names over HTTP, where the prefix would make browsers drop them', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
    expect(page.cookies.map((c) => c.name)).toEqual(['tandem_csrf']);
    expect(page.cookies[0]?.secure).toBeFalsy();
  });
});
