import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiCall,
  apiTokenFor,
  buildTestApp,
  signedInBrowser,
  type TestApp,
} from '../../../test/helpers/app.js';

/**
 * The router decodes a path before matching it, so `/%61pi/v1/me` reaches the API's `/api/v1/me`.
 * Whether a request is for the API (bearer tokens only, no CSRF form, JSON errors) is decided on
 * the route it reached, never on how its URL was spelled.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const SPELLINGS = ['/api/v1/me', '/%61pi/v1/me', '/%61%70%69/v1/me', '/api/v1/%6De', '/api/v1/me/'];

describe('the API, however its path is spelled', () => {
  it('does not take a session cookie', async () => {
    const browser = await signedInBrowser(t.app, 'manager@wyvern.example');
    for (const url of SPELLINGS) {
      const response = await t.app.inject({ method: 'GET', url, cookies: browser.cookies });
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toMatchObject({ error: { code: 'ERR_UNAUTHENTICATED' } });
    }
  });

  it('takes a bearer token', async () => {
    const token = await apiTokenFor(t.db, 'manager@wyvern.example', 'WDC');
    for (const url of SPELLINGS) {
      const response = await apiCall(t.app, token, 'GET', url);
      expect(response.statusCode, url).toBe(200);
      expect(response.json(), url).toMatchObject({ email: 'manager@wyvern.example' });
    }
  });

  it('asks no CSRF token of a write, and answers in JSON', async () => {
    const browser = await signedInBrowser(t.app, 'admin@mercia.example');
    const response = await t.app.inject({
      method: 'POST',
      url: '/%61pi/v1/organisations',
      cookies: browser.cookies,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        code: 'EVIL',
        name: 'Planted',
        role: 'partner',
        kind: 'private',
        bankHolidayDivision: 'england-and-wales',
      }),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'ERR_UNAUTHENTICATED' } });
    const planted = await t.db.kysely
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', 'EVIL')
      .executeTakeFirst();
    expect(planted).toBeUndefined();
  });

  it('answers a path no route takes in JSON under the API, with a page elsewhere', async () => {
    for (const url of ['/api/v1/nothing-here', '/%61pi/v1/nothing-here', '/api%2Fv1/nothing-here']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
    }
    for (const url of ['/nothing-here', '/%61piary', '/apiary']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('text/html');
    }
  });
});
