import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedInBrowser, type TestApp } from '../../../test/helpers/app.js';
import { PEOPLE } from './planning.test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t?.close());

/** The service navigation's links and the home page's starting points, for one person. */
async function linksOf(email: string) {
  const home = await (await signedInBrowser(t.app, email)).get('/');
  const nav = home.body.slice(home.body.indexOf('govuk-service-navigation'), home.body.indexOf('</header>'));
  return {
    nav: [...nav.matchAll(/href="(\/planning[^"]*)"/g)].map((m) => m[1]),
    home: [...home.body.slice(home.body.indexOf('</header>')).matchAll(/href="(\/planning[^"]*)"/g)].map(
      (m) => m[1],
    ),
  };
}

describe('planning in the navigation and on the home page', () => {
  it('leads an executive to the whole picture, and shows finance officers their planning pages', async () => {
    const executive = await linksOf(PEOPLE.executive);
    expect(executive.nav).toEqual([
      '/planning/savings',
      '/planning/business-cases',
      '/planning/what-if',
      '/planning/reports',
      '/planning/governance',
    ]);
    expect(executive.home).toEqual(['/planning/savings', '/planning/business-cases', '/planning/what-if']);
    expect((await linksOf(PEOPLE.finance)).nav).toEqual(executive.nav);
  });

  it('shows a service manager business cases and scenarios, a partner’s manager its own ledger, in the navigation only, and others nothing', async () => {
    expect((await linksOf(PEOPLE.serviceManager)).nav).toEqual([
      '/planning/business-cases',
      '/planning/what-if',
      '/planning/governance',
    ]);
    expect(await linksOf(PEOPLE.wdcManager)).toEqual({
      nav: ['/planning/savings', '/planning/reports', '/planning/governance'],
      home: [],
    });
    expect(await linksOf(PEOPLE.wdcRequester)).toEqual({ nav: [], home: [] });
    expect(await linksOf(PEOPLE.agent)).toEqual({ nav: [], home: [] });
  });
});
