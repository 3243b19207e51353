import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, buildTestApp, type TestApp } from '../../../test/helpers/app.js';
import { DEMO_PASSWORD } from '../../demo.js';

let t: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  t = await buildTestApp(
    { TANDEM_TRUST_PROXY: '1', LOG_LEVEL: 'debug' },
    { logStream: { write: (line) => void logLines.push(line) } },
  );
});
afterAll(() => t.close());

describe('security of every response', () => {
  it('sends security headers and a content security policy that allows only this origin', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    // The one inline script (GOV.UK's js-enabled class) carries this response's nonce.
    expect(response.body).toContain(`<script nonce="${nonce}">`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every response a nonce of its own (16 random bytes), never one seen before', async () => {
    const seen = new Set<string>();
    // More responses than one refill of the pool of random bytes serves.
    for (let i = 0; i < 300; i++) {
      const csp = (await t.app.inject({ method: 'GET', url: '/healthz' })).headers[
        'content-security-policy'
      ] as string;
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(300);
  });

  it('keeps a caller-supplied request id for tracing, if it is sane', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } }))
        .headers['x-request-id'],
    ).toBe('abc-123');
    expect(
      (await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\n' } }))
        .headers['x-request-id'],
    ).not.toBe('bad id\n');
  });

  it('marks cookies Secure when the request came over TLS, and sends HSTS', async () => {
    const browser = new Browser(t.app);
    const page = await t.app.inject({
      method: 'GET',
      url: '/sign-in',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(page.cookies.find((c) => c.name === '__Host-tandem_csrf')?.secure).toBe(true);
    expect(page.headers['strict-transport-security']).toContain('max-age=');
    browser.cookies = Object.fromEntries(page.cookies.map((c) => [c.name, c.value]));
    browser.csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/sign-in',
      cookies: browser.cookies,
      headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: browser.csrf,
        email: 'agent@mercia.example',
        password: DEMO_PASSWORD,
      }).toString(),
    });
    expect(signIn.statusCode).toBe(303);
    const session = signIn.cookies.find((c) => c.name === '__Host-tandem_session')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
  });

  it('never writes passwords, session cookies or tokens to the log', async () => {
    const browser = new Browser(t.app);
    await browser.get('/sign-in');
    await browser.post('/sign-in', { email: 'finance@mercia.example', password: DEMO_PASSWORD });
    const session = browser.cookies.tandem_session!;
    await browser.get('/');
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer tdm_${'b'.repeat(43)}` },
    });
    const log = logLines.join('');
    expect(log).toContain('"reqId"');
    expect(log).not.toContain(DEMO_PASSWORD);
    expect(log).not.toContain(session);
    expect(log).not.toContain('b'.repeat(43));
  });
});
